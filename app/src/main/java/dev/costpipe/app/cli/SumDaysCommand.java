package dev.costpipe.app.cli;

import dev.costpipe.clickhouse.report.ClickHouseReader;
import dev.costpipe.clickhouse.report.CostTable;
import dev.costpipe.clickhouse.report.DaySumsJob;
import dev.costpipe.clickhouse.report.ReportException;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe clickhouse sum-days}: stores the weekly report's sums per day of the last days. */
@Command(name = "sum-days", mixinStandardHelpOptions = true,
    description = "Store the weekly report's sums per day (report_day_sums, report_day_property_sums,"
        + " report_day_session_sums) of the last --days days that are over, so that reports read them instead of"
        + " the rows. Run it daily after midnight UTC, e.g. from cron beside retention.")
final class SumDaysCommand implements Callable<Integer> {
  @Mixin
  ClickHouseOptions clickhouse;

  @Option(names = "--days", paramLabel = "N", defaultValue = "14",
      description = "How many days back from today (UTC) to look at (default: 14, a weekly report's two weeks).")
  int days;

  @Override
  public Integer call() {
    if (days < 1 || days > 366) {
      throw new UserInputException("--days must be between 1 and 366, got " + days);
    }
    ClickHouseSinkConfig config = clickhouse.sinkConfig();
    Instant now = Instant.now();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    try (var client = config.newClient()) {
      Set<LocalDate> stored = DaySumsJob.run(ClickHouseReader.of(client), CostTable.of(config.database()),
          today.minusDays(days), today, now);
      System.out.println("sum-days: " + stored.size() + " days with rows from " + today.minusDays(days)
          + " to " + today.minusDays(1) + " have their sums stored" + (stored.isEmpty() ? "" : ": " + stored));
    } catch (ReportException e) {
      System.err.println("costpipe clickhouse sum-days: " + e.getMessage().lines().findFirst().orElse(""));
      return 1;
    }
    return 0;
  }
}
