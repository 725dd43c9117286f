package dev.costpipe.app.cli;

import dev.costpipe.devtools.generate.GeneratedEvent;
import dev.costpipe.devtools.generate.GeneratorSettings;
import dev.costpipe.devtools.generate.TrafficGenerator;
import dev.costpipe.topology.TopologyConfig;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code costpipe generate}: reproducible synthetic LLM traffic (see {@link TrafficGenerator}) to Kafka
 * or to a file, paced to a rate of requests per second.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Produce synthetic LLM API traffic (raw events) to Kafka, or write it as JSON lines.",
        "Mixed providers and models with real response shapes, ~30%% streamed (~20 chunks each), sessions, users,"
            + " properties, prompt-cache reads, response cache hits, ~1%% unknown models, ~0.5%% malformed events."})
public final class GenerateCommand implements Callable<Integer> {
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "50",
      description = "Requests (LLM calls) per second, not events: a streamed call is ~22 events (default: ${DEFAULT-VALUE}; 0: as fast as possible).")
  double rate;

  @Option(names = "--duration", paramLabel = "D", description = "How long to produce: 60s, 3m, 1h or ISO-8601 (PT3M).")
  String duration;

  @Option(names = "--count", paramLabel = "N", description = "How many requests to produce (with --duration: whichever comes first).")
  Long count;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed: the same seed gives the same traffic (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start", paramLabel = "TIME",
      description = "Timestamp of the first request (ISO-8601); the next ones follow at the --rate (1 ms apart with --rate 0). Default: the wall clock at sending. With --start the output is byte-for-byte reproducible.")
  Instant start;

  @Option(names = "--output", paramLabel = "FILE|-", description = "Write JSON lines here instead of producing to Kafka ('-': stdout).")
  String output;

  @Option(names = "--topic", paramLabel = "T", description = "Topic to produce to (default: costpipe.topic.raw-events, else llm.raw-events).")
  String topic;

  private final PrintStream err = System.err;

  /** Where the events go: a Kafka producer or a file. */
  private interface EventSink extends AutoCloseable {
    void send(GeneratedEvent e) throws IOException;

    long acknowledged();

    long failed();

    @Override
    void close() throws IOException;
  }

  @Override
  public Integer call() throws Exception {
    Duration limit;
    try {
      limit = duration == null ? null : parseDuration(duration);
      if (limit == null && count == null) {
        throw new IllegalArgumentException("say how much to produce: --duration D and/or --count N");
      }
      if (rate < 0) {
        throw new IllegalArgumentException("--rate must be 0 (as fast as possible) or more, got " + rate);
      }
      if (output != null && kafka.bootstrapServer != null) {
        throw new IllegalArgumentException("give either --output or --bootstrap-server, not both");
      }
    } catch (IllegalArgumentException e) {
      err.println("costpipe generate: " + e.getMessage());
      return 2;
    }
    EventSink sink;
    String target;
    try {
      if (output != null) {
        sink = new FileSink(output);
        target = output.equals("-") ? "stdout" : output;
      } else {
        Properties settings = kafka.load();
        String t = topic != null ? topic : TopologyConfig.from(settings).rawEventsTopic();
        checkTopicExists(settings, t);
        sink = new KafkaSink(settings, t);
        target = t + " on " + settings.getProperty("bootstrap.servers");
      }
    } catch (IllegalArgumentException e) {
      err.println("costpipe generate: " + e.getMessage());
      return 2;
    }
    err.println("costpipe generate: " + (rate > 0 ? rate + " requests/s" : "as fast as possible")
        + (limit != null ? " for " + limit.toSeconds() + " s" : "") + (count != null ? ", at most " + count + " requests" : "")
        + ", seed " + seed + ", to " + target);

    CountDownLatch finished = new CountDownLatch(1);
    Thread main = Thread.currentThread();
    Thread hook = new Thread(() -> {
      main.interrupt();
      awaitQuietly(finished);
    }, "costpipe-generate-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return produce(sink, limit);
    } finally {
      finished.countDown();
    }
  }

  private int produce(EventSink sink, Duration limit) throws IOException {
    TrafficGenerator generator = new TrafficGenerator(GeneratorSettings.defaults(seed));
    long begin = System.nanoTime();
    long limitNanos = limit == null ? Long.MAX_VALUE : limit.toNanos();
    long requests = 0;
    long events = 0;
    long malformed = 0;
    long bytes = 0;
    long lastProgress = begin;
    long eventsAtLastProgress = 0;
    long requestsAtLastProgress = 0;
    boolean interrupted = false;
    try (sink) {
      while (count == null || requests < count) {
        long due = rate > 0 ? begin + (long) (requests * 1e9 / rate) : System.nanoTime();
        if (due - begin >= limitNanos || (rate == 0 && System.nanoTime() - begin >= limitNanos)) {
          break;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            interrupted = true;
            break;
          }
        }
        if (Thread.currentThread().isInterrupted()) {
          interrupted = true;
          break;
        }
        Instant at = start != null
            ? start.plusNanos(rate > 0 ? (long) (requests * 1e9 / rate) : requests * 1_000_000L)
            : Instant.now();
        List<GeneratedEvent> request = generator.nextRequest(at);
        for (GeneratedEvent e : request) {
          sink.send(e);
          events++;
          bytes += e.value().length;
          if (e.malformed()) {
            malformed++;
          }
        }
        requests++;
        if (sink.failed() > 0) {
          err.println("costpipe generate: stopping: Kafka did not accept events");
          break;
        }
        long now = System.nanoTime();
        if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
          double seconds = (now - lastProgress) / 1e9;
          err.printf("costpipe generate: %.0f s: %d requests, %d events (%.0f requests/s, %.0f events/s now), "
                  + "%d malformed, %d acknowledged, %d failed%s%n",
              (now - begin) / 1e9, requests, events, (requests - requestsAtLastProgress) / seconds,
              (events - eventsAtLastProgress) / seconds, malformed, sink.acknowledged(), sink.failed(),
              rate > 0 && now - due > 1_000_000_000L ? String.format(" (%.1f s behind the rate)", (now - due) / 1e9) : "");
          lastProgress = now;
          eventsAtLastProgress = events;
          requestsAtLastProgress = requests;
        }
      }
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    err.printf("costpipe generate: %s in %.1f s: %d requests (%.1f/s), %d events (%.0f/s, %.1f MB), %d malformed;"
            + " %d acknowledged, %d failed%n",
        interrupted ? "stopped" : "done", seconds, requests, requests / seconds, events, events / seconds,
        bytes / 1e6, malformed, sink.acknowledged(), sink.failed());
    return sink.failed() > 0 ? 1 : 0;
  }

  private static void checkTopicExists(Properties settings, String topic) {
    long timeoutMs =
        Long.parseLong(settings.getProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000").strip());
    try (Admin admin = Admin.create(clientOnly(settings))) {
      if (!admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic)) {
        throw new UserInputException("topic " + topic + " does not exist on " + settings.getProperty("bootstrap.servers")
            + ": start `costpipe run` once (it creates its topics) or create it");
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      throw new RuntimeFailure("cannot reach Kafka at " + settings.getProperty("bootstrap.servers") + " within "
          + timeoutMs + " ms (" + why.getMessage() + "): start it, or point --bootstrap-server or bootstrap.servers"
          + " at it", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  // --config may hold costpipe.* settings and settings of other clients: the admin gets only its own
  private static Properties clientOnly(Properties settings) {
    Properties p = new Properties();
    settings.stringPropertyNames().stream()
        .filter(n -> n.startsWith("security.") || n.startsWith("sasl.") || n.startsWith("ssl.")
            || n.equals("bootstrap.servers") || n.equals("client.dns.lookup")
            || n.equals(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)
            || n.equals(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG))
        .forEach(n -> p.setProperty(n, settings.getProperty(n)));
    return p;
  }

  static Duration parseDuration(String text) {
    try {
      String s = text.trim().toUpperCase();
      return Duration.parse(s.startsWith("P") ? s : "PT" + s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 60s, 3m, 1h, PT3M)");
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Idempotent producer, acks=all, key = request_id; every other producer setting from --config. */
  private static final class KafkaSink implements EventSink {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    KafkaSink(Properties settings, String topic) {
      Properties p = new Properties();
      settings.stringPropertyNames().stream().filter(n -> !n.startsWith("costpipe."))
          .forEach(n -> p.setProperty(n, settings.getProperty(n)));
      p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
      p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
      p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
      p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
      this.topic = topic;
    }

    @Override
    public void send(GeneratedEvent e) {
      producer.send(new ProducerRecord<>(topic, e.requestId(), e.value()), (metadata, error) -> {
        if (error == null) {
          acknowledged.incrementAndGet();
        } else {
          failed.incrementAndGet();
          firstError.compareAndSet(null, error);
        }
      });
    }

    @Override
    public long acknowledged() {
      return acknowledged.get();
    }

    @Override
    public long failed() {
      return failed.get();
    }

    @Override
    public void close() {
      producer.flush();
      producer.close(Duration.ofSeconds(30));
      if (firstError.get() != null) {
        System.err.println("costpipe generate: " + failed.get() + " events were not written; first error: "
            + firstError.get());
      }
    }
  }

  /** JSON lines to a file or stdout. */
  private static final class FileSink implements EventSink {
    private final OutputStream out;
    private final boolean stdout;
    private long written;

    FileSink(String name) {
      stdout = name.equals("-");
      try {
        this.out = new BufferedOutputStream(name.equals("-") ? System.out : new FileOutputStream(name), 1 << 16);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot write " + name + ": " + e.getMessage());
      }
    }

    @Override
    public void send(GeneratedEvent e) throws IOException {
      out.write(e.value());
      out.write('\n');
      written++;
    }

    @Override
    public long acknowledged() {
      return written;
    }

    @Override
    public long failed() {
      return 0;
    }

    @Override
    public void close() throws IOException {
      out.flush();
      if (!stdout) {
        out.close();
      }
    }
  }
}
