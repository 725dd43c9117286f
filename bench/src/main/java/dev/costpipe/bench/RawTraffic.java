package dev.costpipe.bench;

import dev.costpipe.devtools.generate.GeneratedEvent;
import dev.costpipe.devtools.generate.GeneratorSettings;
import dev.costpipe.devtools.generate.TrafficGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Raw events from the traffic generator (its default mix) into a raw-events topic, keyed by request id as the
 * README asks of producers, with an idempotent producer ({@code acks=all}).
 */
final class RawTraffic {
  /** The paced sender's shortest wait: events due meanwhile go out together (latency counts from their append). */
  private static final long PACING_SLICE_NANOS = 1_000_000;

  /** What was sent: events (malformed ones included), requests, bytes of values. */
  record Sent(long events, long requests, long bytes) {}

  /**
   * What a paced run sent, and for each request the broker's append time (LogAppendTime) of its last good event.
   */
  record Paced(Sent sent, Map<String, Long> lastEventAppendMs, double eventsPerSecond) {}

  private RawTraffic() {}

  /**
   * All events of {@code requests} requests, as fast as the broker takes them; request i at start + i ms. Their
   * request ids go into {@code ids} unless it is null.
   */
  static Sent backlog(String bootstrap, String topic, int requests, GeneratorSettings traffic, Instant start,
      String label, Set<String> ids) {
    TrafficGenerator generator = new TrafficGenerator(traffic);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long events = 0;
    long bytes = 0;
    long lastReport = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      for (int i = 0; i < requests; i++) {
        List<GeneratedEvent> request = generator.nextRequest(start.plusMillis(i));
        if (ids != null) {
          ids.add(request.get(0).requestId());
        }
        for (GeneratedEvent e : request) {
          producer.send(record(topic, e), (md, ex) -> {
            if (ex != null) {
              failure.compareAndSet(null, ex);
            }
          });
          events++;
          bytes += e.value().length;
        }
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          lastReport = System.nanoTime();
          Progress.say("%s: produced %,d of %,d requests (%,d events)", label, i + 1, requests, events);
        }
        check(failure);
      }
      producer.flush();
    }
    check(failure);
    return new Sent(events, requests, bytes);
  }

  /** Requests made before they are sent, each stamped with the time its first event is due. */
  record Plan(List<List<GeneratedEvent>> requests, long nanosPerEvent, Duration duration) {}

  /**
   * The requests {@link #paced} sends at {@code eventsPerSecond} for {@code duration}, each stamped with the time
   * it will be due from now. Made before the clock starts, so that making JSON (the harness's work, not
   * costpipe's) does not take the cores costpipe is measured on while the events are sent.
   */
  static Plan plan(GeneratorSettings traffic, double eventsPerSecond, Duration duration) {
    long nanosPerEvent = (long) (1e9 / eventsPerSecond);
    long events = duration.toNanos() / nanosPerEvent + 1;
    TrafficGenerator generator = new TrafficGenerator(traffic);
    List<List<GeneratedEvent>> requests = new ArrayList<>();
    Instant start = Instant.now();
    long n = 0;
    while (n < events) {
      List<GeneratedEvent> request = generator.nextRequest(start.plusNanos(n * nanosPerEvent));
      requests.add(request);
      n += request.size();
    }
    return new Plan(requests, nanosPerEvent, duration);
  }

  /**
   * The planned events at their rate for their duration, each request's events back to back (as a gateway logs a
   * finished call).
   */
  static Paced paced(String bootstrap, String topic, Plan plan) {
    Map<String, Long> lastAppend = new ConcurrentHashMap<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long events = 0;
    long requests = 0;
    long bytes = 0;
    long begin = System.nanoTime();
    long end = begin + plan.duration().toNanos();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      for (List<GeneratedEvent> request : plan.requests()) {
        if (System.nanoTime() >= end) {
          break;
        }
        requests++;
        for (GeneratedEvent e : request) {
          long due = begin + events * plan.nanosPerEvent();
          long wait = due - System.nanoTime();
          if (wait > 0) {
            // whole slices: a park per event (tens of µs apart) cost the shared cores more than the sending
            LockSupport.parkNanos(Math.max(wait, PACING_SLICE_NANOS));
          }
          boolean good = !e.malformed();
          producer.send(record(topic, e), (md, ex) -> {
            if (ex != null) {
              failure.compareAndSet(null, ex);
            } else if (good) {
              lastAppend.merge(e.requestId(), md.timestamp(), Math::max);
            }
          });
          events++;
          bytes += e.value().length;
        }
        check(failure);
      }
      producer.flush();
    }
    check(failure);
    double seconds = (System.nanoTime() - begin) / 1e9;
    return new Paced(new Sent(events, requests, bytes), lastAppend, events / seconds);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, GeneratedEvent e) {
    return new ProducerRecord<>(topic, e.requestId().getBytes(StandardCharsets.UTF_8), e.value());
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L << 20));
    // One request in flight: with several, a first batch refused by a partition that has just got its leader
    // (NOT_LEADER_OR_FOLLOWER) left the batches behind it failing with OUT_OF_ORDER_SEQUENCE_NUMBER until they
    // expired (seen with Kafka 4.3 on topics created a moment before).
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void check(AtomicReference<Exception> failure) {
    if (failure.get() != null) {
      throw new IllegalStateException("producing raw events failed: " + failure.get(), failure.get());
    }
  }
}
