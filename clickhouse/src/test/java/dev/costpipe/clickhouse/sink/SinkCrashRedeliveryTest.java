package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.clickhouse.sink.SinkTestSupport.Topics;
import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * On a real broker and a real ClickHouse: the sink dies with several inserts in flight (one insert thread fails
 * while the inserts after it are written), and a new sink in the same group reads on from the last commit. The
 * commit never passed the failed insert, and every request ends up as one row (FINAL) although the rows written
 * after the failure were written twice.
 */
class SinkCrashRedeliveryTest {
  private static final int RECORDS = 1_200;

  private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(KafkaTestBroker broker, String group)
      throws Exception {
    try (Admin admin = SinkTestSupport.admin(broker)) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }
  }

  private static long committed(KafkaTestBroker broker, String group) throws Exception {
    return committedOffsets(broker, group).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
  }

  /** The partition and offset each record landed on: produced in order, keyed, with Kafka's default partitioner. */
  private static Map<String, TopicPartition> partitionOf(String topic, List<Map.Entry<String, String>> records,
      Map<String, Long> offsetOf) {
    Map<String, TopicPartition> out = new java.util.HashMap<>();
    long[] next = new long[2];
    for (var r : records) {
      int partition = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
          r.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 2;
      out.put(r.getKey(), new TopicPartition(topic, partition));
      offsetOf.put(r.getKey(), next[partition]++);
    }
    return out;
  }

  private static long count(ClickHouseTestServer clickhouse, String sql) {
    return Long.parseLong(String.valueOf(clickhouse.query(sql + " FORMAT JSONEachRow").get(0).get("n")));
  }

  /** Runs the consumer loop the way ClickHouseSink does, with this inserter; returns what run() threw. */
  private static Throwable runLoop(ClickHouseSinkConfig config, RowEncodings encodings, RowInserter inserter,
      ClickHouseSinkMetrics metrics, AtomicBoolean running) {
    Backoff backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
    try (JsonOrAvroValues values = new JsonOrAvroValues(config.kafka());
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config.producerProperties())) {
      SinkConsumerLoop loop = new SinkConsumerLoop(config, new SinkBuffer(config, values, encodings), metrics,
          running);
      try {
        loop.run(new KafkaConsumer<>(config.consumerProperties()),
            new BatchWriter(inserter, config, backoff, metrics, new AtomicBoolean()),
            new DeadLetterWriter(producer, config.deadLetterTopic(), backoff, metrics));
        return null;
      } catch (RuntimeException e) {
        return e;
      } finally {
        loop.close(); // a crash commits nothing more: the consumer closes without committing
      }
    }
  }

  @Test
  void aCrashWithInsertsInFlightLeavesOneRowPerRequestAfterRedelivery() throws Exception {
    ClickHouseTestServer clickhouse = ClickHouseTestServer.shared();
    KafkaTestBroker broker = KafkaTestBroker.shared();
    Topics topics = Topics.unique();
    broker.createTopic(topics.costs(), 2, Map.of());
    broker.createTopic(topics.aggregates(), 1, Map.of());
    broker.createTopic(topics.alerts(), 1, Map.of());
    List<Map.Entry<String, String>> records = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      String id = String.format("crash-%05d", i);
      records.add(Map.entry(id, TestRecords.cost(id).at(Instant.parse("2026-06-01T00:00:00Z").plusSeconds(i))
          .user("u" + (i % 5)).property("Team", "é-" + (i % 3)).cost(1_000L + i).json()));
    }
    broker.produce(topics.costs(), records);
    String db = TestRecords.unique("cp_crash");
    new ClickHouseMigrations(clickhouse.client(), db).migrate();
    String group = TestRecords.unique("crash-sink");
    Properties p = SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, topics, group);
    p.setProperty("costpipe.sink.clickhouse.batch-rows", "40");
    p.setProperty("costpipe.sink.clickhouse.inserts-in-flight", "3");
    ClickHouseSinkConfig config = ClickHouseSinkConfig.from(p);
    RowEncodings encodings = new RowEncodings();
    ClickHouseRowInserter clickHouse = new ClickHouseRowInserter(clickhouse.client(), config, encodings);
    clickHouse.learnEncodings(); // as the sink does: rows are encoded as they are read

    // First life: the 6th insert's thread dies after the inserts started after it were written.
    AtomicInteger inserts = new AtomicInteger();
    List<String> failedIds = new java.util.concurrent.CopyOnWriteArrayList<>();
    ClickHouseSinkMetrics firstLife = new ClickHouseSinkMetrics();
    // the window of three holds two more inserts while the 6th hangs: it dies once they are written (a fixed sleep
    // instead left them unwritten on a loaded machine)
    CountDownLatch laterWritten = new CountDownLatch(2);
    RowInserter dying = (table, rows, token) -> {
      int call = inserts.incrementAndGet();
      if (call == 6) {
        for (SinkRow r : rows) {
          failedIds.add((String) r.values(table)[SinkTable.REQUEST_COSTS.columns().indexOf("request_id")]);
        }
        laterWritten.await(60, TimeUnit.SECONDS);
        throw new IllegalStateException("the insert thread died");
      }
      clickHouse.insert(table, rows, token);
      if (call > 6) {
        laterWritten.countDown();
      }
    };
    Throwable crash = runLoop(config, encodings, dying, firstLife, new AtomicBoolean(true));

    assertThat(crash).hasMessage("the insert thread died");
    long committedBeforeCrash = committed(broker, group);
    long writtenBeforeCrash = firstLife.rowsWritten(SinkTable.REQUEST_COSTS);
    // the 6th insert call is not always the 6th batch (three threads race to call), so the bound is the failed
    // rows' own offsets: on each partition the commit stops at or before the first of them
    Map<String, Long> offsetOf = new java.util.HashMap<>();
    Map<String, TopicPartition> partitionOf = partitionOf(topics.costs(), records, offsetOf);
    Map<TopicPartition, OffsetAndMetadata> committedAt = committedOffsets(broker, group);
    assertThat(failedIds).isNotEmpty();
    for (String id : failedIds) {
      OffsetAndMetadata c = committedAt.get(partitionOf.get(id));
      assertThat(c == null ? 0 : c.offset()).as("never past the failed insert's row " + id)
          .isLessThanOrEqualTo(offsetOf.get(id));
    }
    assertThat(writtenBeforeCrash).as("inserts after the failed one were written").isGreaterThan(5 * 40);
    assertThat(count(clickhouse, "SELECT count() AS n FROM " + db + ".request_costs"))
        .isEqualTo(writtenBeforeCrash);

    // Second life: the same group reads on from the last commit.
    ClickHouseSinkMetrics secondLife = new ClickHouseSinkMetrics();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread watcher = new Thread(() -> SinkTestSupport.await(Duration.ofSeconds(60), "every record committed",
        () -> SinkTestSupport.uncommitted(broker, group, List.of(topics.costs())).isEmpty()));
    watcher.start();
    Thread stopper = new Thread(() -> {
      try {
        watcher.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.set(false);
    });
    stopper.start();
    assertThat(runLoop(config, encodings, clickHouse, secondLife, running)).isNull();

    assertThat(SinkTestSupport.uncommitted(broker, group, List.of(topics.costs()))).isEmpty();
    assertThat(secondLife.rowsWritten(SinkTable.REQUEST_COSTS)).isEqualTo(RECORDS - committedBeforeCrash);
    String table = db + ".request_costs";
    assertThat(count(clickhouse, "SELECT count() AS n FROM " + table + " FINAL")).isEqualTo(RECORDS);
    assertThat(count(clickhouse, "SELECT uniqExact(request_id) AS n FROM " + table)).isEqualTo(RECORDS);
    assertThat(count(clickhouse, "SELECT toInt64(sum(cost_nano_usd)) AS n FROM " + table + " FINAL"))
        .isEqualTo(RECORDS * 1_000L + (long) RECORDS * (RECORDS - 1) / 2);
  }
}
