package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The consumer loop with Kafka's in-memory consumer and an in-memory ClickHouse: what is committed, and when. */
class SinkConsumerLoopTest {
  private static final TopicPartition COSTS_0 = new TopicPartition("llm.costs", 0);

  private final ClickHouseSinkConfig config = config();
  private final ClickHouseSinkMetrics metrics = new ClickHouseSinkMetrics();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final InMemoryRowInserter clickHouse = new InMemoryRowInserter();
  private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
      new ByteArraySerializer());
  private final Backoff backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
  /** JSON values pass through; Avro values are read by a deserializer whose registry fails when told to. */
  private final JsonOrAvroValues values = new JsonOrAvroValues(Map.of(JsonOrAvroValues.VALUE_DESERIALIZER,
      ConfluentLikeFailingDeserializer.class.getName(), ConfluentLikeFailingDeserializer.DELEGATE,
      WireJsonDeserializer.class.getName()));
  private final SinkConsumerLoop loop = new SinkConsumerLoop(config,
      new SinkBuffer(config, values, new RowEncodings()), metrics, running);
  private final PollingConsumer consumer = new PollingConsumer();

  /** Keeps which partitions were paused at each poll, and runs {@link #onPoll} first. */
  private static final class PollingConsumer extends MockConsumer<byte[], byte[]> {
    final List<Set<TopicPartition>> pausedAtPoll = new CopyOnWriteArrayList<>();
    Runnable onPoll = () -> {};

    PollingConsumer() {
      super("earliest");
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      pausedAtPoll.add(Set.copyOf(paused()));
      onPoll.run();
      return super.poll(timeout);
    }
  }

  private static ClickHouseSinkConfig config() {
    Properties p = new Properties();
    p.setProperty("costpipe.sink.clickhouse.batch-rows", "2");
    p.setProperty("costpipe.sink.clickhouse.batch-ms", "60000");
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-ms", "5");
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-max-ms", "10");
    return ClickHouseSinkConfig.from(p);
  }

  private static ConsumerRecord<byte[], byte[]> cost(long offset) {
    return new ConsumerRecord<>(COSTS_0.topic(), COSTS_0.partition(), offset, null,
        TestRecords.cost("r-" + offset).json().getBytes(StandardCharsets.UTF_8));
  }

  /** On the first poll: the loop is assigned llm.costs-0 and finds two records there. */
  private void twoRecordsOnFirstPoll() {
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(COSTS_0));
      consumer.updateBeginningOffsets(Map.of(COSTS_0, 0L));
      consumer.addRecord(cost(0));
      consumer.addRecord(cost(1));
    });
  }

  @AfterEach
  void noScriptedFailuresLeft() {
    ConfluentLikeFailingDeserializer.reset();
  }

  private void run() {
    loop.run(consumer, new BatchWriter(clickHouse, config, backoff, metrics, new AtomicBoolean()),
        new DeadLetterWriter(producer, config.deadLetterTopic(), backoff, metrics));
  }

  private OffsetAndMetadata committed() {
    return consumer.committed(Set.of(COSTS_0)).get(COSTS_0);
  }

  @Test
  void anOutageIsWaitedOutPollingPausedAndOnlyWrittenRowsAreCommitted() {
    clickHouse.outages = 2;
    twoRecordsOnFirstPoll();
    consumer.onPoll = () -> {
      if (committed() != null) {
        running.set(false);
      }
    };

    run();

    assertThat(clickHouse.requestSizes).containsExactly(2, 2, 2);
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).hasSize(2);
    assertThat(committed().offset()).isEqualTo(2);
    assertThat(consumer.pausedAtPoll).contains(Set.of(COSTS_0));
    assertThat(consumer.paused()).isEmpty();
    assertThat(metrics.retries()).isEqualTo(2);
    assertThat(metrics.commits()).isEqualTo(1);
  }

  @Test
  void aStopDuringAnOutageCommitsNothing() {
    clickHouse.outages = Integer.MAX_VALUE;
    twoRecordsOnFirstPoll();
    consumer.onPoll = () -> {
      if (clickHouse.requestSizes.size() >= 3) {
        running.set(false);
      }
    };

    assertThatThrownBy(this::run).isInstanceOf(StopRequested.class);

    assertThat(committed()).isNull();
    assertThat(metrics.commits()).isZero();
  }

  @Test
  void atStopWhatIsBufferedIsWrittenOnceAndCommitted() {
    twoRecordsOnFirstPoll();
    consumer.schedulePollTask(() -> {
      consumer.addRecord(cost(2));
      running.set(false);
    });

    run();

    assertThat(clickHouse.requestSizes).containsExactly(2, 1);
    assertThat(committed().offset()).isEqualTo(3);
    assertThat(metrics.commits()).isEqualTo(2);
  }

  @Test
  void invalidRecordsAreDeadLetteredBeforeTheirOffsetsAreCommitted() {
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(COSTS_0));
      consumer.updateBeginningOffsets(Map.of(COSTS_0, 0L));
      consumer.addRecord(new ConsumerRecord<>(COSTS_0.topic(), 0, 0, null,
          "not json".getBytes(StandardCharsets.UTF_8)));
      running.set(false);
    });

    run();

    assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.topic()).isEqualTo("llm.sink.dlq"));
    assertThat(metrics.deadLetters(InvalidRecordException.INVALID_JSON)).isEqualTo(1);
    assertThat(committed().offset()).isEqualTo(1);
  }

  private static ConsumerRecord<byte[], byte[]> avroCost(long offset) {
    return new ConsumerRecord<>(COSTS_0.topic(), COSTS_0.partition(), offset, null,
        WireJsonDeserializer.wrap(TestRecords.cost("r-" + offset).json().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aRegistryOutageOfAnyKindIsWaitedOutAndNothingIsDeadLettered() {
    ConfluentLikeFailingDeserializer.failNext(ConfluentLikeFailingDeserializer.rest(500, 50001),
        ConfluentLikeFailingDeserializer.rest(401, 401), ConfluentLikeFailingDeserializer.rest(429, 429),
        ConfluentLikeFailingDeserializer.timeout());
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(COSTS_0));
      consumer.updateBeginningOffsets(Map.of(COSTS_0, 0L));
      consumer.addRecord(avroCost(0));
      consumer.addRecord(avroCost(1));
    });
    consumer.onPoll = () -> {
      if (committed() != null) {
        running.set(false);
      }
    };

    run();

    assertThat(ConfluentLikeFailingDeserializer.pendingFailures()).isZero();
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).hasSize(2);
    assertThat(producer.history()).as("dead letters").isEmpty();
    assertThat(committed().offset()).isEqualTo(2);
    assertThat(consumer.pausedAtPoll).as("waited polling, paused").contains(Set.of(COSTS_0));
    assertThat(consumer.paused()).isEmpty();
    assertThat(metrics.retries()).isEqualTo(4);
  }

  @Test
  void rowsReadBeforeTheRegistryFailedAreWrittenAndAStopDuringTheOutageCommitsNoMore() {
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(COSTS_0));
      consumer.updateBeginningOffsets(Map.of(COSTS_0, 0L));
      consumer.addRecord(cost(0));
      consumer.addRecord(avroCost(1));
      consumer.addRecord(avroCost(2));
    });
    for (int i = 0; i < 50; i++) {
      ConfluentLikeFailingDeserializer.failNext(ConfluentLikeFailingDeserializer.rest(503, 50003));
    }
    consumer.onPoll = () -> {
      if (metrics.retries() >= 3) {
        running.set(false);
      }
    };

    assertThatThrownBy(this::run).isInstanceOf(StopRequested.class);

    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).as("the JSON row read before").hasSize(1);
    assertThat(committed().offset()).as("up to the first record the registry could not read").isEqualTo(1);
    assertThat(producer.history()).as("dead letters").isEmpty();
  }
}
