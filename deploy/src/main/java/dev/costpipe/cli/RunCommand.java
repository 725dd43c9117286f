package dev.costpipe.cli;

import dev.costpipe.ops.config.LoadedConfig;
import dev.costpipe.ops.metrics.MetricsServer;
import dev.costpipe.ops.metrics.RunProbe;
import dev.costpipe.topology.app.CostpipeApplication;
import java.util.Collections;
import java.util.concurrent.Callable;
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

  @Override
  public Integer call() throws Exception {
    LoadedConfig loaded = kafka.loaded(Collections.singletonMap("application.id", applicationId));
    if (!loaded.valid()) {
      System.err.println("costpipe run: " + loaded.errorMessage());
      return 2;
    }
    LOG.info("costpipe run starting with {}", loaded.config().summary());
    CostpipeApplication app = new CostpipeApplication(loaded.config().properties());
    RunProbe probe = new RunProbe(app);
    MetricsServer metrics = MetricsServer.start(loaded.metricsPort(), "run", probe);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      probe.close();
      app.close();
      if (metrics != null) {
        metrics.close();
      }
    }, "costpipe-shutdown"));
    app.start();
    Thread.currentThread().join();
    return 0;
  }
}
