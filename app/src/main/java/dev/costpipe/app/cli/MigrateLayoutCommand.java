package dev.costpipe.app.cli;

import dev.costpipe.clickhouse.layout.LayoutMigration;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe clickhouse migrate-layout}: copies request_costs_before_v008 into the time-led request_costs. */
@Command(name = "migrate-layout", mixinStandardHelpOptions = true,
    description = "Copy the rows of the layout before V008 (request_costs_before_v008) into the time-led"
        + " request_costs, one month at a time, while the sink runs; resumable; drops the old table at the end."
        + " Reads stay right meanwhile. See docs/clickhouse.md.")
final class MigrateLayoutCommand implements Callable<Integer> {
  @Mixin
  ClickHouseOptions clickhouse;

  @Option(names = "--dry-run", description = "Say what would be copied; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    ClickHouseSinkConfig config = clickhouse.sinkConfig();
    try (var client = config.newClient()) {
      new LayoutMigration(client, config.database(), line -> System.out.println("migrate-layout: " + line))
          .run(dryRun);
    }
    return 0;
  }
}
