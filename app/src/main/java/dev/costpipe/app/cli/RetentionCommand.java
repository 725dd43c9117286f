package dev.costpipe.app.cli;

import dev.costpipe.clickhouse.layout.Retention;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.contracts.settings.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe clickhouse retention}: drops the weeks of request_costs older than the retention. */
@Command(name = "retention", mixinStandardHelpOptions = true,
    description = "Drop the weekly partitions of request_costs that ended before now minus the retention"
        + " (costpipe.sink.clickhouse.retention, or --keep). Run it daily, e.g. from cron.")
final class RetentionCommand implements Callable<Integer> {
  @Mixin
  ClickHouseOptions clickhouse;

  @Option(names = "--keep", paramLabel = "DURATION",
      description = "Keep this long (e.g. 90d); overrides costpipe.sink.clickhouse.retention.")
  String keep;

  @Option(names = "--dry-run", description = "List the weeks that would be dropped; drop nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    ClickHouseSinkConfig config;
    Duration retention;
    try {
      Properties settings = clickhouse.load();
      config = ClickHouseSinkConfig.from(settings);
      retention = keep != null ? Durations.parse(keep) : CostpipeSettings.SINK_RETENTION.read(settings);
    } catch (IllegalArgumentException e) {
      System.err.println("costpipe clickhouse retention: " + e.getMessage());
      return 2;
    }
    if (retention == null) {
      System.err.println("costpipe clickhouse retention: no retention set (" + CostpipeSettings.SINK_RETENTION.key()
          + " or --keep): nothing dropped");
      return 2;
    }
    try (var client = config.newClient()) {
      new Retention(client, config.database(), line -> System.out.println("retention: " + line))
          .run(retention, Instant.now(), dryRun);
    } catch (IllegalArgumentException e) {
      System.err.println("costpipe clickhouse retention: " + e.getMessage());
      return 2;
    }
    return 0;
  }
}
