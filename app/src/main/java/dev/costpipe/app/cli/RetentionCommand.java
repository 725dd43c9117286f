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
    Properties settings = clickhouse.load();
    ClickHouseSinkConfig config = UserInputException.parsing(() -> ClickHouseSinkConfig.from(settings));
    Duration retention = UserInputException.parsing(
        () -> keep != null ? Durations.parse(keep) : CostpipeSettings.SINK_RETENTION.read(settings));
    if (retention == null) {
      throw new UserInputException("no retention set (" + CostpipeSettings.SINK_RETENTION.key() + " or --keep):"
          + " nothing dropped");
    }
    try (var client = config.newClient()) {
      Retention dropping = new Retention(client, config.database(), line -> System.out.println("retention: " + line));
      UserInputException.parsing(() -> dropping.run(retention, Instant.now(), dryRun));
    }
    return 0;
  }
}
