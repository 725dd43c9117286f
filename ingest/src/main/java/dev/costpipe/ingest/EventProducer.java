package dev.costpipe.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces a body's events to the raw-events topic, keyed by request id, and returns only once the broker has
 * acknowledged every one of them: an idempotent producer with {@code acks=all} (forced whatever the configuration
 * says: the 2xx promise rests on them). A body not acknowledged within the ack timeout fails as a whole; some of
 * its events may still land later, which is harmless: a retried body repeats the same request ids and the topology
 * keeps the first copy.
 */
public final class EventProducer implements EventSink, AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final Duration ackTimeout;

  /** @param kafka client settings (bootstrap.servers, security, …) */
  public EventProducer(Properties kafka, String topic, Duration ackTimeout) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5"); // concurrent bodies share batches
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ackTimeout.toMillis()));
    p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ackTimeout.toMillis()));
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(ackTimeout.toMillis() + 5));
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "costpipe-ingest");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.ackTimeout = ackTimeout;
  }

  /** Sends every event and waits for all acknowledgements; throws if any is missing after the ack timeout. */
  @Override
  public void produce(List<KeyedEvent> events) throws KafkaUnavailableException {
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
    try {
      for (KeyedEvent e : events) {
        acks.add(producer.send(new ProducerRecord<>(topic, e.key(), e.value())));
        if (System.nanoTime() > deadline) { // send() blocked on missing metadata: the broker is unreachable
          throw new TimeoutException();
        }
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException("Kafka did not acknowledge: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException("Kafka did not acknowledge within " + ackTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while waiting for Kafka", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException("Kafka refused the events: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close(ackTimeout);
  }
}
