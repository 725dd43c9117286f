package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The sink's dead letters against Kafka's in-memory producer: what they carry, and how failures are handled. */
class DeadLetterWriterTest {
  private static final String TOPIC = "llm.sink.dlq";
  private static final int MAX_VALUE_BYTES = 100;

  /** A producer that refuses, as the real one does, records over its max.request.size (here: by value length). */
  private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
      new ByteArraySerializer()) {
    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
      if (record.value() != null && record.value().length > MAX_VALUE_BYTES) {
        return CompletableFuture.failedFuture(new RecordTooLargeException("too large"));
      }
      return super.send(record);
    }
  };
  private final ClickHouseSinkMetrics metrics = new ClickHouseSinkMetrics();
  private final DeadLetterWriter writer = new DeadLetterWriter(producer, TOPIC,
      new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)), metrics);
  private final List<Duration> waits = new ArrayList<>();

  private static ConsumerRecord<byte[], byte[]> source(String topic, int partition, long offset, String value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", bytes("t-1"));
    headers.add(DeadLetterHeaders.REASON, bytes("stale reason from upstream"));
    return new ConsumerRecord<>(topic, partition, offset, 0L, TimestampType.CREATE_TIME, 3, value.length(),
        bytes("key"), bytes(value), headers, Optional.empty());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aDeadLetterCarriesTheOriginalAndWhyAndWhereItCameFrom() {
    writer.send(List.of(new DeadLetter(source("llm.costs", 2, 41, "{\"bad\":1}"), "invalid_json", "no field x")),
        d -> true);

    assertThat(producer.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> r = producer.history().get(0);
    assertThat(r.topic()).isEqualTo(TOPIC);
    assertThat(r.key()).isEqualTo(bytes("key"));
    assertThat(r.value()).isEqualTo(bytes("{\"bad\":1}"));
    assertThat(header(r, "trace-id")).isEqualTo("t-1");
    assertThat(r.headers().headers(DeadLetterHeaders.REASON)).hasSize(1);
    assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("invalid_json");
    assertThat(header(r, DeadLetterHeaders.MESSAGE)).isEqualTo("no field x");
    assertThat(header(r, DeadLetterHeaders.STEP)).isEqualTo("clickhouse-sink");
    assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("llm.costs");
    assertThat(header(r, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("2");
    assertThat(header(r, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("41");
    assertThat(header(r, ClickHouseSink.VALUE_OMITTED)).isNull();
    assertThat(metrics.deadLetters("invalid_json")).isEqualTo(1);
  }

  @Test
  void aLetterTooLargeToForwardGoesWithoutItsValueAtOnce() {
    DeadLetter small = new DeadLetter(source("llm.costs", 0, 1, "{}"), ClickHouseSink.REJECTED, "refused");
    DeadLetter huge = new DeadLetter(source("llm.costs", 0, 2, "x".repeat(MAX_VALUE_BYTES + 1)),
        ClickHouseSink.REJECTED, null);

    writer.send(List.of(small, huge), d -> waits.add(d));

    assertThat(producer.history()).hasSize(2);
    ProducerRecord<byte[], byte[]> r = producer.history().get(1);
    assertThat(r.value()).isNull();
    assertThat(r.key()).isEqualTo(bytes("key"));
    assertThat(header(r, ClickHouseSink.VALUE_OMITTED)).isEqualTo("true");
    assertThat(header(r, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("2");
    assertThat(header(r, DeadLetterHeaders.MESSAGE)).isEmpty();
    assertThat(metrics.deadLetters(ClickHouseSink.REJECTED)).isEqualTo(2);
    assertThat(waits).isEmpty();
    assertThat(metrics.retries()).isZero();
  }

  @Test
  void lettersKafkaDoesNotTakeAreSentAgainAfterABackoff() {
    producer.sendException = new KafkaException("broker unreachable");
    writer.send(List.of(new DeadLetter(source("llm.cost-alerts", 0, 7, "{}"), "invalid_json", "x")), d -> {
      waits.add(d);
      if (waits.size() == 2) {
        producer.sendException = null;
      }
      return true;
    });

    assertThat(producer.history()).hasSize(1);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(metrics.retries()).isEqualTo(2);
    assertThat(metrics.deadLetters()).isEqualTo(1);
  }

  @Test
  void aWaitCutShortStopsWithoutCountingTheLetter() {
    producer.sendException = new KafkaException("broker unreachable");

    assertThatThrownBy(() -> writer.send(List.of(new DeadLetter(source("llm.costs", 0, 1, "{}"), "invalid_json",
        "x")), d -> false)).isInstanceOf(StopRequested.class);

    assertThat(metrics.deadLetters()).isZero();
  }
}
