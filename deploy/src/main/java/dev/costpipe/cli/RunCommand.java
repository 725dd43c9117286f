package dev.costpipe.cli;

import dev.costpipe.topology.app.CostpipeApplication;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe run}: the streaming application, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the costpipe Kafka Streams application until stopped (SIGTERM/Ctrl-C).")
public final class RunCommand implements Callable<Integer> {
  @Mixin
  KafkaOptions kafka;

  @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application.id (default: costpipe).")
  String applicationId;

  @Override
  public Integer call() throws Exception {
    Properties settings;
    try {
      settings = kafka.load();
    } catch (IllegalArgumentException e) {
      System.err.println("costpipe run: " + e.getMessage());
      return 2;
    }
    if (applicationId != null) {
      settings.setProperty("application.id", applicationId);
    }
    CostpipeApplication app = new CostpipeApplication(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "costpipe-shutdown"));
    app.start();
    Thread.currentThread().join();
    return 0;
  }
}
