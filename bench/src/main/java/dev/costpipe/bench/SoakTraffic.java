package dev.costpipe.bench;

import dev.costpipe.devtools.generate.GeneratedEvent;
import dev.costpipe.devtools.generate.GeneratorSettings;
import dev.costpipe.devtools.generate.TrafficGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The soak's traffic: the devtools generator's requests (streamed ones, unknown models, malformed events) paced at a
 * rate of requests per second, each event sent to the raw-events topic and written, in the same order, to a file
 * for {@code costpipe cost}. Producer retries are added as a gateway makes them: some requests sent twice whole
 * (an acknowledgement lost), some streamed chunks twice in a row. The producer waits out broker restarts
 * (delivery and blocking timeouts of 10 minutes); an event Kafka still refuses is counted, never hidden.
 */
final class SoakTraffic implements Runnable {
  private static final double WHOLE_REQUEST_RETRY_RATIO = 0.02;
  private static final double CHUNK_RETRY_RATIO = 0.05;
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Properties producerSettings;
  private final String topic;
  private final Path file;
  private final long seed;
  private final double rate;
  private final Duration duration;
  private final Random retries;

  final AtomicLong requests = new AtomicLong();
  final AtomicLong events = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  final AtomicLong requestsSentTwice = new AtomicLong();
  final AtomicLong chunksSentTwice = new AtomicLong();
  final AtomicLong acknowledged = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicReference<Exception> firstRefusal = new AtomicReference<>();
  private volatile Exception failure;

  SoakTraffic(String bootstrapServers, String topic, Path file, long seed, double rate, Duration duration) {
    this.producerSettings = new Properties();
    producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
    producerSettings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    producerSettings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    producerSettings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Duration.ofMinutes(10).toMillis()));
    producerSettings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Duration.ofMinutes(10).toMillis()));
    this.topic = topic;
    this.file = file;
    this.seed = seed;
    this.rate = rate;
    this.duration = duration;
    this.retries = new Random(seed ^ 0x5eed);
  }

  @Override
  public void run() {
    TrafficGenerator generator = new TrafficGenerator(GeneratorSettings.defaults(seed));
    long begin = System.nanoTime();
    long lastProgress = begin;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(producerSettings, new StringSerializer(), new ByteArraySerializer())) {
      for (long n = 0; ; n++) {
        long due = begin + (long) (n * 1e9 / rate);
        if (due - begin >= duration.toNanos()) {
          break;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        List<GeneratedEvent> request = generator.nextRequest(Instant.now());
        boolean streamed = request.size() > 4; // a single call is its request and response (and any malformed extra)
        int chunkTwice = streamed && retries.nextDouble() < CHUNK_RETRY_RATIO ? 1 + retries.nextInt(request.size() - 2) : -1;
        for (int i = 0; i < request.size(); i++) {
          send(producer, out, request.get(i));
          if (i == chunkTwice) {
            send(producer, out, request.get(i));
            chunksSentTwice.incrementAndGet();
          }
        }
        if (retries.nextDouble() < WHOLE_REQUEST_RETRY_RATIO) {
          for (GeneratedEvent e : request) {
            send(producer, out, e);
          }
          requestsSentTwice.incrementAndGet();
        }
        requests.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
          lastProgress = now;
          Progress.say("traffic: %d requests, %d events (%d acknowledged, %d refused)%s", requests.get(), events.get(),
              acknowledged.get(), refused.get(),
              now - due > 2_000_000_000L ? String.format(", %.0f s behind the rate", (now - due) / 1e9) : "");
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
  }

  /** Why the traffic stopped before its end, if it did. */
  Exception failure() {
    return failure;
  }

  private void send(KafkaProducer<String, byte[]> producer, OutputStream out, GeneratedEvent e) throws IOException {
    out.write(e.value());
    out.write('\n');
    events.incrementAndGet();
    if (e.malformed()) {
      malformed.incrementAndGet();
    }
    producer.send(new ProducerRecord<>(topic, e.requestId(), e.value()), (metadata, error) -> {
      if (error == null) {
        acknowledged.incrementAndGet();
      } else {
        refused.incrementAndGet();
        firstRefusal.compareAndSet(null, error);
      }
    });
  }
}
