package dev.costpipe.cli;

import dev.costpipe.sinks.notify.Notifier;
import dev.costpipe.sinks.notify.NotifierConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
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
    NotifierConfig cfg;
    try {
      cfg = NotifierConfig.load(config);
      if (bootstrapServer != null) {
        cfg = cfg.withBootstrapServers(bootstrapServer);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("costpipe notify: " + e.getMessage());
      return 2;
    }
    Notifier notifier = new Notifier(cfg);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      notifier.stop();
      try {
        notifier.awaitStopped(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "costpipe-notify-shutdown"));
    notifier.run();
    return 0;
  }
}
