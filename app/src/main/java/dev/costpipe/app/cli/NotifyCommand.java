package dev.costpipe.app.cli;

import dev.costpipe.app.config.NotifyConfigLoader;
import dev.costpipe.app.metrics.MetricsServer;
import dev.costpipe.app.metrics.NotifyProbe;
import dev.costpipe.notify.Notifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code costpipe notify}: delivers each budget alert once to the channels its rule names. */
@Command(name = "notify", mixinStandardHelpOptions = true,
    description = "Deliver alerts from llm.cost-alerts to Slack, webhooks and email, each once.")
public final class NotifyCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", required = true, description = "Notifier config (YAML or JSON).")
  Path config;

  @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config file).")
  String bootstrapServer;

  @Override
  public Integer call() throws Exception {
    NotifyConfigLoader.Result cfg =
        NotifyConfigLoader.load(InputFiles.readable(config, "--config"), System.getenv(), bootstrapServer);
    if (!cfg.loaded().valid()) {
      System.err.println("costpipe notify: " + cfg.loaded().errorMessage());
      return 2;
    }
    cfg.loaded().logWarnings(LoggerFactory.getLogger(NotifyCommand.class));
    Notifier notifier = new Notifier(cfg.notifier());
    try (NotifyProbe probe = new NotifyProbe(notifier);
        MetricsServer metrics = MetricsServer.start(cfg.loaded().metricsPort(), cfg.loaded().http(), "notify", probe)) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        notifier.stop();
        try {
          notifier.awaitStopped(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "costpipe-notify-shutdown"));
      notifier.run();
    }
    return 0;
  }
}
