package dev.costpipe.app.cli;

import dev.costpipe.devtools.local.LocalKafka;
import dev.costpipe.app.config.LoadedConfig;
import dev.costpipe.app.budgets.QueryEndpoints;
import dev.costpipe.app.metrics.MetricsServer;
import dev.costpipe.app.metrics.RunProbe;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.app.CostpipeApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe run}: the streaming application, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the costpipe Kafka Streams application until stopped (SIGTERM/Ctrl-C).")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application.id (default: costpipe).")
  String applicationId;

  @Option(names = "--embedded", description = "Run a single-node Kafka in this process too (as `costpipe local kafka`), for trying costpipe on one machine.")
  boolean embedded;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".costpipe",
      description = "With --embedded: Kafka's data in DIR/kafka, the application's state in DIR/streams (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--kafka-port", paramLabel = "P", description = "With --embedded: Kafka's client port (default: the previous run's, else 9092).")
  Integer kafkaPort;

  @Option(names = "--progress-every", paramLabel = "D",
      description = "Print the requests priced and events dead-lettered to stderr this often, e.g. 5s (default: never).")
  String progressEvery;

  @Override
  public Integer call() throws Exception {
    Duration progress;
    try {
      progress = progressEvery == null ? null : GenerateCommand.parseDuration(progressEvery);
      if (embedded && kafka.bootstrapServer != null) {
        throw new IllegalArgumentException("--embedded runs its own Kafka: drop --bootstrap-server");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("costpipe run: " + e.getMessage());
      return 2;
    }
    LocalKafka localKafka = null;
    if (embedded) {
      QuietKafkaLogs.apply();
      try {
        localKafka = LocalKafka.start(dataDir.resolve("kafka"), kafkaPort);
      } catch (IllegalStateException e) {
        System.err.println("costpipe run: " + e.getMessage());
        return 1;
      }
      kafka.bootstrapServer = localKafka.bootstrapServers();
      System.err.println("costpipe run: embedded Kafka ready on " + localKafka.bootstrapServers() + " (data in "
          + localKafka.directory().toAbsolutePath() + ")");
    }
    LoadedConfig loaded = kafka.loaded(Collections.singletonMap("application.id", applicationId));
    if (!loaded.valid()) {
      System.err.println("costpipe run: " + loaded.errorMessage());
      if (localKafka != null) {
        localKafka.close();
      }
      return 2;
    }
    LOG.info("costpipe run starting with {}", loaded.config().summary());
    Properties settings = loaded.config().properties();
    if (embedded) {
      settings.putIfAbsent("state.dir", dataDir.resolve("streams").toAbsolutePath().toString());
    }
    CostpipeApplication app = new CostpipeApplication(settings);
    RunProbe probe = new RunProbe(app);
    MetricsServer metrics = MetricsServer.start(loaded.metricsPort(), loaded.http(), "run", probe);
    if (metrics != null) {
      QueryEndpoints.serve(metrics.endpoints(), loaded.http(), app);
    }
    LocalKafka broker = localKafka;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      probe.close();
      app.close();
      if (metrics != null) {
        metrics.close();
      }
      if (broker != null) {
        broker.close();
      }
    }, "costpipe-shutdown"));
    app.start();
    if (progress != null) {
      printProgress(app.counters(), progress);
    }
    Thread.currentThread().join();
    return 0;
  }

  private static void printProgress(PipelineCounters counters, Duration every) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "costpipe-run-progress");
      t.setDaemon(true);
      return t;
    });
    long[] last = {0, System.nanoTime()};
    timer.scheduleAtFixedRate(() -> {
      Map<String, Long> c = counters.snapshot();
      long priced = c.getOrDefault("costs.priced", 0L) + c.getOrDefault("costs.provider_reported", 0L);
      long records = c.entrySet().stream().filter(e -> e.getKey().startsWith("costs.")).mapToLong(Map.Entry::getValue).sum();
      long deadLetters = c.entrySet().stream().filter(e -> e.getKey().startsWith("dlq.")).mapToLong(Map.Entry::getValue).sum();
      long now = System.nanoTime();
      double rate = (records - last[0]) / ((now - last[1]) / 1e9);
      last[0] = records;
      last[1] = now;
      System.err.printf("costpipe run: %d cost records (%.0f/s): %d priced, %d unknown model, %d without usage;"
              + " %d events dead-lettered%n",
          records, rate, priced, c.getOrDefault("costs.unknown_model", 0L), c.getOrDefault("costs.no_usage", 0L),
          deadLetters);
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }
}
