package dev.costpipe.bench;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.report.CostTable;
import dev.costpipe.clickhouse.report.IsoWeek;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import dev.costpipe.clickhouse.sink.ClickHouseStatements;
import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run.sh read-scale}: how reads grow with the history (issue 14). Loads a history of
 * {@code --per-day} requests a day ({@link HistoryLoader}) at each {@code --rows} size into its own database,
 * checks the week's report against a full scan, times the reads ({@link ReadTimings}) and adds
 * {@code read_report_<size>_s}, {@code read_query_<size>_s} (the slowest of the three queries) and
 * {@code read_scale_ratio} (the largest time at the last size over its time at the first) to the results JSON.
 * With {@code --old-layout} the same reads run on a copy in the layout before V008 ({@code ORDER BY request_id},
 * monthly partitions), for comparison.
 */
@Command(name = "read-scale", mixinStandardHelpOptions = true,
    description = "Times report weekly and costpipe query over histories of growing size.")
public final class ReadScaleCommand implements Callable<Integer> {
  private static final LocalDate START = LocalDate.parse("2025-06-02"); // a Monday

  @Option(names = "--rows", split = ",", defaultValue = "10000000,100000000",
      description = "history sizes in rows (default: 10000000,100000000)")
  List<Long> sizes;

  @Option(names = "--per-day", defaultValue = "230000", description = "requests a day (default: 230,000)")
  long perDay;

  @Option(names = "--revised-per-mille", defaultValue = "0",
      description = "requests of every thousand stored twice, a second version beside the first, as a live table holds"
          + " them until merged (default: 0)")
  int revisedPerMille;

  @Option(names = "--runs", defaultValue = "3", description = "timed runs of each read; the median counts (3)")
  int runs;

  @Option(names = "--old-layout", description = "also time the layout before V008 on a copy of each history")
  boolean oldLayout;

  @Option(names = "--clickhouse-url",
      description = "an existing server to load into (and keep); default: a throwaway server of its own")
  String url;

  @Option(names = "--load-only", description = "load the histories into --clickhouse-url, time nothing")
  boolean loadOnly;

  @Option(names = "--out", defaultValue = "bench-results.json",
      description = "results JSON; its other keys are kept (default: bench-results.json here)")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReadScaleCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ObjectNode results = Files.exists(out) ? (ObjectNode) Json.MAPPER.readTree(out.toFile())
        : Json.MAPPER.createObjectNode();
    ClickHouseTestServer own = url == null ? ClickHouseTestServer.start() : null;
    Client.Builder builder = new Client.Builder().addEndpoint(url == null ? own.httpUrl() : url).setUsername("default")
        .setPassword("").compressServerResponse(false).setSocketTimeout(60, ChronoUnit.MINUTES);
    if (own != null) {
      // 18.16 may count fewer cores than the machine has (one on a 2-vCPU AMD EPYC): a server of the bench's own
      // uses them all, as a configured server would. A server given by --clickhouse-url keeps its own settings.
      builder.serverSetting("max_threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    }
    try (Client client = builder.build()) {
      HistoryLoader loader = new HistoryLoader(client);
      ReadTimings timings = new ReadTimings(client, runs);
      List<ReadTimings.Result> measured = new ArrayList<>();
      for (long rows : sizes) {
        String size = label(rows);
        String database = "read_scale_" + size + (revisedPerMille > 0 ? "_r" + revisedPerMille : "");
        Progress.say("history of %,d rows (%s), %,d a day: loading", rows, database, perDay);
        loader.load(database, rows, perDay, START, revisedPerMille);
        if (loadOnly) {
          continue;
        }
        IsoWeek week = IsoWeek.of(START.plusWeeks(rows / perDay / 7 - 2));
        ReadTimings.Result result = timings.time(CostTable.of(database), week);
        checkAgainstFullScan(loader, database, week, result);
        measured.add(result);
        Progress.say("%s: week %s: %s", size, week, result.seconds());
        results.put("read_report_" + size + "_s", round(result.report_s()));
        results.put("read_query_" + size + "_s", round(result.slowestQuery()));
        result.seconds().forEach((name, s) -> results.put("read_" + name + "_" + size + "_s", round(s)));
        if (oldLayout) {
          String old = database + "_old_layout";
          copyToOldLayout(client, loader, database, old);
          ReadTimings.Result before = timings.time(CostTable.of(old), week);
          Progress.say("%s, layout before V008: %s", size, before.seconds());
          before.seconds().forEach((name, s) -> results.put("read_old_layout_" + name + "_" + size + "_s", round(s)));
        }
      }
      if (loadOnly) {
        return 0;
      }
      if (measured.size() > 1) {
        Map<String, Double> first = measured.get(0).seconds();
        Map<String, Double> last = measured.get(measured.size() - 1).seconds();
        results.put("read_scale_ratio", round(last.keySet().stream()
            .mapToDouble(k -> last.get(k) / first.get(k)).max().orElseThrow()));
      }
      results.put("read_scale_per_day", perDay);
      results.put("read_scale_revised_per_mille", revisedPerMille);
      results.put("read_scale_note", "history loaded server-side (INSERT … SELECT, bench/read-scale-rows.sql) on"
          + " ClickHouse 18.16; reads timed in one JVM, median of " + runs + " after one untimed run");
      results.set("read_scale_machine", MachineInfo.describe());
      results.put("read_scale_load_average", MachineInfo.loadAverage());
      Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
      System.out.println("results: " + out.toAbsolutePath());
    } finally {
      if (own != null) {
        own.close();
      }
    }
    return 0;
  }

  /** The report's week totals must equal a full scan (no FINAL: each request's latest version by hand). */
  private static void checkAgainstFullScan(HistoryLoader loader, String database, IsoWeek week,
      ReadTimings.Result result) {
    String latest = " FROM (SELECT argMax(ifNull(cost_nano_usd, 0), ingested_at) AS cost FROM " + database
        + ".request_costs WHERE toUInt32(timestamp) >= " + week.start().getEpochSecond()
        + " AND toUInt32(timestamp) < " + week.end().getEpochSecond() + " GROUP BY request_id)";
    long requests = loader.number("SELECT count() AS n" + latest + " FORMAT JSONEachRow");
    long cost = loader.number("SELECT toInt64(sum(cost)) AS n" + latest + " FORMAT JSONEachRow");
    var total = result.report().total();
    if (requests != total.requests() || cost != total.costNanoUsd() || requests == 0) {
      throw new IllegalStateException(database + " week " + week + ": the report says " + total.requests()
          + " requests, " + total.costNanoUsd() + " nano-USD; a full scan " + requests + ", " + cost);
    }
  }

  /** The same rows in the layout before V008: every request_costs migration but V008. */
  private static void copyToOldLayout(Client client, HistoryLoader loader, String from, String to) {
    ClickHouseStatements.execute(client, "CREATE DATABASE IF NOT EXISTS " + to);
    if (loader.number("SELECT count() AS n FROM system.tables WHERE database = '" + to
        + "' AND name = 'request_costs' FORMAT JSONEachRow") == 0) {
      for (String migration : ClickHouseMigrations.MIGRATIONS.stream()
          .filter(m -> m.contains("request_costs") && !m.startsWith("V008")).toList()) {
        ClickHouseStatements.execute(client, ClickHouseMigrations.resource("migrations/" + migration)
            .replace("{db}", to).strip());
      }
    }
    long rows = loader.count(from);
    if (loader.count(to) != rows) {
      Progress.say("%s: copying %,d rows into the layout before V008", to, rows);
      ClickHouseStatements.execute(client, "TRUNCATE TABLE " + to + ".request_costs");
      ClickHouseStatements.execute(client, "INSERT INTO " + to + ".request_costs SELECT * FROM " + from
          + ".request_costs");
    }
  }

  private static String label(long rows) {
    return rows % 1_000_000 == 0 ? rows / 1_000_000 + "m" : Long.toString(rows);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
