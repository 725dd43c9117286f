package dev.costpipe.clickhouse.sink;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the sink's dead letters to its dead-letter topic ({@code llm.sink.dlq}): each with the original key,
 * value and headers plus the {@link DeadLetterHeaders} (reason, message, step {@value #STEP}, source topic,
 * partition and offset). A letter too large for the producer goes without its value, marked
 * {@link ClickHouseSink#VALUE_OMITTED}. Returns once Kafka acknowledged every letter; while it cannot, the
 * letters not acknowledged are sent again with the sink's {@link Backoff} (a wait cut short throws
 * {@link StopRequested}). Used by one thread at a time.
 */
final class DeadLetterWriter {
  static final String STEP = "clickhouse-sink";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Backoff backoff;
  private final ClickHouseSinkMetrics metrics;

  DeadLetterWriter(Producer<byte[], byte[]> producer, String topic, Backoff backoff, ClickHouseSinkMetrics metrics) {
    this.producer = producer;
    this.topic = topic;
    this.backoff = backoff;
    this.metrics = metrics;
  }

  /** Sends the letters and waits until Kafka acknowledged each. */
  void send(List<DeadLetter> letters, Backoff.Sleeper sleeper) {
    Backoff.Attempts attempts = backoff.attempts(LOG, sleeper);
    List<DeadLetter> pending = letters;
    while (!pending.isEmpty()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(pending.size());
      List<DeadLetter> failed = new ArrayList<>();
      Exception lastError = null;
      for (DeadLetter letter : pending) {
        try {
          sent.add(producer.send(record(letter)));
        } catch (KafkaException e) {
          sent.add(null);
          lastError = e;
        }
      }
      producer.flush();
      Map<String, Integer> byReason = new TreeMap<>();
      for (int i = 0; i < pending.size(); i++) {
        DeadLetter letter = pending.get(i);
        try {
          if (sent.get(i) == null) {
            failed.add(letter);
            continue;
          }
          sent.get(i).get();
          metrics.deadLettered(letter.reason());
          byReason.merge(letter.reason(), 1, Integer::sum);
          LOG.debug("dead-lettered {}-{}@{}: {}: {}", letter.source().topic(), letter.source().partition(),
              letter.source().offset(), letter.reason(), letter.message());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StopRequested();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RecordTooLargeException && !letter.withoutValue()) {
            // the original plus headers exceeds the producer's max.request.size: forward the coordinates only
            failed.add(letter.valueOmitted());
            LOG.warn("dead letter {}-{}@{} is too large to forward whole: sending it without its value",
                letter.source().topic(), letter.source().partition(), letter.source().offset());
            continue;
          }
          failed.add(letter);
          lastError = e;
        }
      }
      if (!byReason.isEmpty()) {
        DeadLetter first = pending.get(0);
        LOG.warn("sent {} records to {} {}; e.g. {}-{}@{}: {}: {}", byReason.values().stream().mapToInt(i -> i).sum(),
            topic, byReason, first.source().topic(), first.source().partition(), first.source().offset(),
            first.reason(), first.message());
      }
      if (failed.isEmpty()) {
        return;
      }
      if (lastError != null) {
        metrics.retried();
        StopRequested.retryOrStop(attempts, "cannot write " + failed.size() + " dead letters to " + topic,
            ClickHouseErrors.describe(lastError));
      } // else only letters to resend without their value: at once
      pending = failed;
    }
  }

  /** The letter as a record of the dead-letter topic. */
  private ProducerRecord<byte[], byte[]> record(DeadLetter letter) {
    ConsumerRecord<byte[], byte[]> source = letter.source();
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, source.key(),
        letter.withoutValue() ? null : source.value());
    for (Header h : source.headers()) {
      out.headers().add(h);
    }
    DeadLetterHeaders.add(out.headers(), letter.reason(), letter.message() == null ? "" : letter.message(), STEP);
    DeadLetterHeaders.addSource(out.headers(), source.topic(), source.partition(), source.offset());
    if (letter.withoutValue()) {
      out.headers().remove(ClickHouseSink.VALUE_OMITTED);
      out.headers().add(ClickHouseSink.VALUE_OMITTED, "true".getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }
}
