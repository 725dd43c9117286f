package dev.costpipe.cli;

import dev.costpipe.sinks.clickhouse.ClickHouseSink;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe sink clickhouse}: costs, aggregates and alerts from Kafka into ClickHouse. */
@Command(name = "sink", mixinStandardHelpOptions = true, description = "Write costpipe's topics to a store.",
    subcommands = SinkCommand.ClickHouse.class)
public final class SinkCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  @Command(name = "clickhouse", mixinStandardHelpOptions = true,
      description = "Consume llm.costs, llm.cost-aggregates and llm.cost-alerts into ClickHouse tables, until stopped.")
  static final class ClickHouse implements Callable<Integer> {
    @Mixin
    ClickHouseOptions clickhouse;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrapServer;

    @Override
    public Integer call() throws Exception {
      Properties settings;
      try {
        settings = clickhouse.load();
        if (bootstrapServer != null) {
          settings.setProperty("bootstrap.servers", bootstrapServer);
        }
        if (settings.getProperty("bootstrap.servers") == null) {
          throw new IllegalArgumentException("give --bootstrap-server HOST:PORT or bootstrap.servers in --config");
        }
      } catch (IllegalArgumentException | java.io.IOException e) {
        System.err.println("costpipe sink clickhouse: " + e.getMessage());
        return 2;
      }
      ClickHouseSink.runUntilShutdown(settings);
      return 0;
    }
  }
}
