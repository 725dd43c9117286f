package dev.costpipe.app.cli;

import dev.costpipe.app.config.LoadedConfig;
import dev.costpipe.app.metrics.MetricsServer;
import dev.costpipe.app.metrics.SinkProbe;
import dev.costpipe.clickhouse.sink.ClickHouseSink;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import java.util.Collections;
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
      LoadedConfig loaded = clickhouse.loaded(Collections.singletonMap("bootstrap.servers", bootstrapServer), true);
      if (!loaded.valid()) {
        System.err.println("costpipe sink clickhouse: " + loaded.errorMessage());
        return 2;
      }
      ClickHouseSink sink = new ClickHouseSink(ClickHouseSinkConfig.from(loaded.config().properties()));
      try (SinkProbe probe = new SinkProbe(sink);
          MetricsServer metrics = MetricsServer.start(loaded.metricsPort(), loaded.http(), "sink", probe)) {
        sink.runUntilShutdown();
      }
      return 0;
    }
  }
}
