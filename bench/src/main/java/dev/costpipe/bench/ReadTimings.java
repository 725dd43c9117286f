package dev.costpipe.bench;

import com.clickhouse.client.api.Client;
import dev.costpipe.clickhouse.layout.Retention;
import dev.costpipe.clickhouse.report.ClickHouseReader;
import dev.costpipe.clickhouse.report.CostFilter;
import dev.costpipe.clickhouse.report.CostQuery;
import dev.costpipe.clickhouse.report.CostTable;
import dev.costpipe.clickhouse.report.IsoWeek;
import dev.costpipe.clickhouse.report.ReportFormat;
import dev.costpipe.clickhouse.report.WeeklyReport;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The read-scale benchmark's reads, timed in this JVM (no JVM start counted), each the median of {@code runs}
 * after one untimed run: {@code report weekly} of a week, and {@code costpipe query} totals of one user's week, one
 * property value's week and one model's day. Before them, the report's first run over its two weeks, timed once
 * with none of their sums per day stored ({@code report_weekly_first}: it computes and stores them; the runs after
 * read them, as every later report over those days does).
 */
final class ReadTimings {
  static final String USER = "user-0010";
  static final String PROPERTY = "Environment";
  static final String PROPERTY_VALUE = "staging";
  static final String MODEL = "gpt-4o";

  /** Seconds per read, in the order report, user week, property week, model day. */
  record Result(Map<String, Double> seconds, WeeklyReport report) {
    double report_s() {
      return seconds.get("report_weekly");
    }

    double slowestQuery() {
      return seconds.entrySet().stream().filter(e -> !e.getKey().startsWith("report_weekly"))
          .mapToDouble(Map.Entry::getValue).max().orElseThrow();
    }
  }

  private final Client client;
  private final ClickHouseReader reader;
  private final int runs;

  ReadTimings(Client client, int runs) {
    this.client = client;
    this.reader = ClickHouseReader.of(client);
    this.runs = runs;
  }

  Result time(CostTable table, IsoWeek week) {
    Instant from = week.start();
    Instant to = week.end();
    LocalDate wednesday = week.monday().plusDays(2);
    Instant dayFrom = wednesday.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant dayTo = wednesday.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    CostQuery query = new CostQuery(reader, table);
    Clock clock = Clock.fixed(to, ZoneOffset.UTC);
    Map<String, Double> seconds = new LinkedHashMap<>();
    WeeklyReport[] report = new WeeklyReport[1];
    Supplier<Object> weekly = () -> {
      report[0] = WeeklyReport.generate(reader, new WeeklyReport.Options(table, week, ReportFormat.TEXT), clock);
      return report[0].render(ReportFormat.TEXT);
    };
    Retention retention = new Retention(client, table.database(), line -> { });
    retention.dropDaySums(week.previous().monday());
    retention.dropDaySums(week.monday());
    long begin = System.nanoTime();
    weekly.get();
    double first = (System.nanoTime() - begin) / 1e9;
    seconds.put("report_weekly", median(weekly));
    seconds.put("user_week", median(() -> query.totals(CostFilter.all().between(from, to).withUser(USER))));
    seconds.put("property_week", median(() -> query.totals(CostFilter.all().between(from, to)
        .withProperty(PROPERTY, PROPERTY_VALUE))));
    seconds.put("model_day", median(() -> query.totals(CostFilter.all().between(dayFrom, dayTo).withModel(MODEL))));
    seconds.put("report_weekly_first", first);
    return new Result(seconds, report[0]);
  }

  private double median(Supplier<Object> read) {
    read.get();
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long begin = System.nanoTime();
      read.get();
      times.add((System.nanoTime() - begin) / 1e9);
    }
    return Stats.median(times);
  }
}
