package dev.costpipe.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.app.CostpipeApplication;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's result: every figure the median over the runs, ratios computed from the medians, the runs
 * themselves, the heap check, the machine and its load. As JSON ({@code bench-results.json}) and as a table.
 */
final class BenchReport {
  /** Issue 16: at least 0.6 × the plain exactly-once copy (0.5 before it). */
  static final double TOPOLOGY_TARGET = 0.6;
  static final double SINK_TARGET = 1.0;
  static final double P99_TARGET_MS = 1_000;
  static final double HEAP_TARGET_MB = 512;
  static final double WRITTEN_PER_EVENT_TARGET = 1.3;
  static final double CPU_US_PER_EVENT_TARGET = 45;
  /** Live heap growth over a heap check that still counts as flat (GC noise, JIT, caches warming). */
  static final double GROWTH_LIMIT_MB = 50;

  private static final ObjectMapper SNAKE_CASE =
      Json.MAPPER.copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final ObjectNode json = Json.MAPPER.createObjectNode();
  private final List<String[]> rows = new ArrayList<>();

  BenchReport(BenchPlan plan, List<BenchRun.Result> runs, HeapCheck.Result heapCheck, ObjectNode machine,
      String loadStart, String loadEnd, Instant startedAt, double wallSeconds) {
    double topology = median(runs, BenchRun.Result::topologyEventsPerSecond);
    double baseline = median(runs, BenchRun.Result::baselineEventsPerSecond);
    double sink = median(runs, r -> r.sink().sinkRowsPerSecond());
    double client = median(runs, r -> r.sink().clientRowsPerSecond());
    double p99 = median(runs, BenchRun.Result::p99LatencyMs);
    double peakHeap = median(runs, BenchRun.Result::peakHeapMb);
    json.put("topology_events_per_s", round(topology));
    json.put("topology_requests_per_s", round(median(runs, BenchRun.Result::topologyRequestsPerSecond)));
    json.put("baseline_events_per_s", round(baseline));
    json.put("topology_vs_baseline", round3(topology / baseline));
    double topologyHalf = median(runs, BenchRun.Result::topologySecondHalfEventsPerSecond);
    double baselineHalf = median(runs, BenchRun.Result::baselineSecondHalfEventsPerSecond);
    json.put("topology_second_half_events_per_s", round(topologyHalf));
    json.put("baseline_second_half_events_per_s", round(baselineHalf));
    json.put("topology_vs_baseline_second_half", round3(topologyHalf / baselineHalf));
    double written = median(runs, r -> r.topologyWrites().recordsWrittenPerEvent());
    double cpu = median(runs, r -> r.topologyWrites().cpuUsPerEvent());
    json.put("topology_records_written_per_raw_event", round3(written));
    json.put("topology_records_read_per_raw_event",
        round3(median(runs, r -> r.topologyWrites().recordsReadPerEvent())));
    json.put("topology_cpu_us_per_raw_event", round(cpu));
    json.put("topology_cpu_us_per_raw_event_without_jit",
        round(median(runs, r -> r.topologyWrites().cpuUsPerEventWithoutJit())));
    json.put("topology_cpu_us_per_raw_event_from_first_commit",
        round(median(runs, r -> r.topologyWrites().cpuUsPerEventFromFirstCommit())));
    json.put("topology_broker_cpu_us_per_raw_event",
        round(median(runs, r -> r.topologyWrites().brokerCpuUsPerEvent())));
    json.put("baseline_records_written_per_raw_event",
        round3(median(runs, r -> r.baselineWrites().recordsWrittenPerEvent())));
    json.put("baseline_cpu_us_per_raw_event", round(median(runs, r -> r.baselineWrites().cpuUsPerEvent())));
    json.put("baseline_cpu_us_per_raw_event_without_jit",
        round(median(runs, r -> r.baselineWrites().cpuUsPerEventWithoutJit())));
    json.put("baseline_cpu_us_per_raw_event_from_first_commit",
        round(median(runs, r -> r.baselineWrites().cpuUsPerEventFromFirstCommit())));
    json.put("baseline_broker_cpu_us_per_raw_event",
        round(median(runs, r -> r.baselineWrites().brokerCpuUsPerEvent())));
    json.put("p50_latency_ms", round(median(runs, BenchRun.Result::p50LatencyMs)));
    json.put("p99_latency_ms", round(p99));
    json.put("p99_readable_latency_ms", round(median(runs, BenchRun.Result::p99ReadableLatencyMs)));
    json.put("paced_events_per_s", round(median(runs, BenchRun.Result::pacedEventsPerSecond)));
    json.put("paced_topology_cpu_us_per_raw_event", round(median(runs, r -> r.pacedCosts().costpipeMicros())));
    json.put("paced_broker_cpu_us_per_raw_event", round(median(runs, r -> r.pacedCosts().brokerMicros())));
    json.put("paced_harness_cpu_us_per_raw_event", round(median(runs, r -> r.pacedCosts().harnessMicros())));
    json.put("paced_cores_used", round3(median(runs, r -> r.pacedCosts().coresUsed())));
    json.put("paced_records_written_per_raw_event",
        round3(median(runs, r -> r.pacedCosts().recordsWrittenPerEvent())));
    double checkP50 = median(runs, r -> r.budgetCheck().p50Ms());
    double checkP99 = median(runs, r -> r.budgetCheck().p99Ms());
    json.put("budget_check_p50_ms", round3(checkP50));
    json.put("budget_check_p99_ms", round3(checkP99));
    json.put("budget_check_p99_target_ms", BudgetCheckLoad.P99_TARGET_MS);
    json.put("budget_checks_per_s", round(median(runs, r -> r.budgetCheck().perSecond())));
    json.put("budget_check_callers", runs.get(0).budgetCheck().callers());
    double controlP99 = median(runs, r -> r.budgetCheck().controlP99Ms());
    json.put("budget_check_control_p50_ms", round3(median(runs, r -> r.budgetCheck().controlP50Ms())));
    json.put("budget_check_control_p99_ms", round3(controlP99));
    json.put("sink_rows_per_s", round(sink));
    json.put("clickhouse_client_rows_per_s", round(client));
    json.put("sink_vs_clickhouse_client", round3(sink / client));
    json.put("sink_cpu_us_per_row", round(median(runs, r -> r.sink().sinkCpuMicrosPerRow())));
    json.put("sink_server_cpu_us_per_row", round(median(runs, r -> r.sink().sinkServerCpuMicrosPerRow())));
    json.put("clickhouse_client_cpu_us_per_row", round(median(runs, r -> r.sink().clientCpuMicrosPerRow())));
    json.put("clickhouse_client_server_cpu_us_per_row",
        round(median(runs, r -> r.sink().clientServerCpuMicrosPerRow())));
    json.put("peak_heap_mb", round(peakHeap));
    json.put("live_heap_mb", round(median(runs, BenchRun.Result::liveHeapMb)));
    json.put("peak_rss_mb", round(median(runs, BenchRun.Result::peakRssMb)));
    json.put("events", runs.get(0).events());
    json.put("requests", runs.get(0).requests());
    json.put("warmup_requests", plan.warmupRequests());
    json.put("events_per_request", round3((double) runs.get(0).events() / runs.get(0).requests()));
    json.put("bytes_per_event", round((double) runs.get(0).rawBytes() / runs.get(0).events()));
    json.put("sink_rows", runs.get(0).sink().rows());
    json.put("runs", runs.size());
    json.put("mode", plan.quick() ? "quick" : "full");

    ObjectNode targets = json.putObject("targets_met");
    targets.put("topology_vs_baseline_at_least_" + TOPOLOGY_TARGET, topology / baseline >= TOPOLOGY_TARGET);
    targets.put("sink_vs_clickhouse_client_at_least_" + SINK_TARGET, sink / client >= SINK_TARGET);
    targets.put("p99_latency_under_1s_at_half_rate", p99 < P99_TARGET_MS);
    targets.put("budget_check_p99_under_10ms_during_paced_traffic", checkP99 < BudgetCheckLoad.P99_TARGET_MS);
    targets.put("records_written_per_raw_event_at_most_" + WRITTEN_PER_EVENT_TARGET,
        written <= WRITTEN_PER_EVENT_TARGET);
    targets.put("cpu_us_per_raw_event_at_most_" + (int) CPU_US_PER_EVENT_TARGET, cpu <= CPU_US_PER_EVENT_TARGET);
    if (heapCheck != null) {
      targets.put("heap_under_512mb_at_" + heapCheck.requests() + "_requests", heapMet(heapCheck));
    }

    ObjectNode setup = json.putObject("setup");
    setup.put("partitions", plan.partitions());
    setup.put("processing_guarantee", "exactly_once_v2");
    setup.put("commit_interval_ms", Long.parseLong(plan.streamsSettings().getOrDefault("commit.interval.ms",
        String.valueOf(CostpipeApplication.COMMIT_INTERVAL_MS))));
    ObjectNode overrides = setup.putObject("streams_settings");
    plan.streamsSettings().forEach(overrides::put);
    setup.put("stream_threads", 1);
    setup.put("app_max_heap", plan.childHeap());
    setup.put("paced_seconds", plan.pacedSeconds());
    setup.put("paced_warmup_seconds", plan.pacedWarmupSeconds());
    setup.put("seed", plan.seed());
    setup.put("chunks_per_stream", plan.chunksPerStream());
    setup.put("broker", "Apache Kafka 4.3.0 KRaft, 1 node, child JVM -Xmx1g G1 (KafkaTestBroker BENCHMARK profile)");
    setup.put("clickhouse", "clickhouse-server 18.16 (ClickHouseTestServer)");

    ArrayNode perRun = json.putArray("per_run");
    for (BenchRun.Result r : runs) {
      perRun.add(SNAKE_CASE.valueToTree(r));
    }
    if (heapCheck != null) {
      json.set("heap_check", SNAKE_CASE.valueToTree(heapCheck));
    }
    json.set("machine", machine);
    json.put("date", startedAt.toString());
    json.put("load_average_start", loadStart);
    json.put("load_average_end", loadEnd);
    json.put("wall_time_s", round(wallSeconds));

    rows.add(new String[] {"figure", "median of " + runs.size() + " runs", "target"});
    rows.add(new String[] {"baseline copy (exactly_once_v2), events/s", fmt(baseline), ""});
    rows.add(new String[] {"costpipe topology, events/s", fmt(topology), ""});
    rows.add(new String[] {"costpipe topology, requests/s", fmt(json.get("topology_requests_per_s").asDouble()), ""});
    rows.add(new String[] {"topology / baseline", String.format("%.2f", topology / baseline),
        "≥ " + TOPOLOGY_TARGET + mark(topology / baseline >= TOPOLOGY_TARGET)});
    rows.add(new String[] {"costpipe records written per raw event (all topics, markers included; the copy: "
        + String.format("%.2f", json.get("baseline_records_written_per_raw_event").asDouble()) + ")",
        String.format("%.2f", written), "≤ " + WRITTEN_PER_EVENT_TARGET + mark(written <= WRITTEN_PER_EVENT_TARGET)});
    rows.add(new String[] {"costpipe records read per raw event (raw + repartition topics)",
        String.format("%.2f", json.get("topology_records_read_per_raw_event").asDouble()), ""});
    rows.add(new String[] {"costpipe CPU per raw event after the warm-up, µs (the copy: "
        + fmt(json.get("baseline_cpu_us_per_raw_event").asDouble()) + ")", String.format("%.1f", cpu),
        "≤ " + (int) CPU_US_PER_EVENT_TARGET + mark(cpu <= CPU_US_PER_EVENT_TARGET)});
    rows.add(new String[] {"the same without its JIT compiler threads' CPU, µs (the copy: "
        + fmt(json.get("baseline_cpu_us_per_raw_event_without_jit").asDouble()) + ")",
        String.format("%.1f", json.get("topology_cpu_us_per_raw_event_without_jit").asDouble()), ""});
    rows.add(new String[] {"costpipe CPU per raw event from its first commit (warm-up and its JIT included), µs"
        + " (the copy: " + fmt(json.get("baseline_cpu_us_per_raw_event_from_first_commit").asDouble()) + ")",
        String.format("%.1f", json.get("topology_cpu_us_per_raw_event_from_first_commit").asDouble()), ""});
    rows.add(new String[] {"second half of the events only (JIT warmed up): baseline, events/s", fmt(baselineHalf),
        ""});
    rows.add(new String[] {"second half of the events only: costpipe, events/s", fmt(topologyHalf), ""});
    rows.add(new String[] {"second half: topology / baseline", String.format("%.2f", topologyHalf / baselineHalf), ""});
    rows.add(new String[] {"latency p50 at " + fmt(json.get("paced_events_per_s").asDouble()) + " events/s, ms",
        fmt(json.get("p50_latency_ms").asDouble()), ""});
    rows.add(new String[] {"latency p99 at half the max rate, ms", fmt(p99), "< 1000" + mark(p99 < P99_TARGET_MS)});
    rows.add(new String[] {"same, until readable by read_committed consumers (commit included), ms",
        fmt(json.get("p99_readable_latency_ms").asDouble()), ""});
    rows.add(new String[] {"paced phase, CPU per raw event, µs: costpipe / broker / this harness; cores used by the three",
        String.format("%.0f / %.0f / %.0f; %.2f", json.get("paced_topology_cpu_us_per_raw_event").asDouble(),
            json.get("paced_broker_cpu_us_per_raw_event").asDouble(),
            json.get("paced_harness_cpu_us_per_raw_event").asDouble(), json.get("paced_cores_used").asDouble()), ""});
    rows.add(new String[] {"POST /v1/budgets/check during the paced traffic, p50 ms", String.format("%.2f", checkP50),
        ""});
    rows.add(new String[] {"same, p99 ms", String.format("%.2f", checkP99),
        "< 10" + mark(checkP99 < BudgetCheckLoad.P99_TARGET_MS)});
    rows.add(new String[] {"control: GET /health/live interleaved on the same server, p99 ms",
        String.format("%.2f", controlP99), ""});
    rows.add(new String[] {"costpipe peak heap used, MB", fmt(peakHeap), ""});
    rows.add(new String[] {"costpipe live heap after full GC, MB", fmt(json.get("live_heap_mb").asDouble()), ""});
    rows.add(new String[] {"costpipe peak RSS, MB", fmt(json.get("peak_rss_mb").asDouble()), ""});
    rows.add(new String[] {"ClickHouse sink, rows/s", fmt(sink), ""});
    rows.add(new String[] {"clickhouse-client, rows/s", fmt(client), ""});
    rows.add(new String[] {"sink / clickhouse-client", String.format("%.2f", sink / client),
        "≥ " + SINK_TARGET + mark(sink / client >= SINK_TARGET)});
    rows.add(new String[] {"CPU per row, µs: sink JVM + server; clickhouse-client + server",
        String.format("%s + %s; %s + %s", json.get("sink_cpu_us_per_row"), json.get("sink_server_cpu_us_per_row"),
            json.get("clickhouse_client_cpu_us_per_row"), json.get("clickhouse_client_server_cpu_us_per_row")), ""});
    if (heapCheck != null) {
      rows.add(new String[] {String.format("heap check: %,d requests in -Xmx%s, largest live heap, MB",
          heapCheck.requests(), heapCheck.maxHeap()), fmt(maxLive(heapCheck)), "< 512, flat" + mark(heapMet(heapCheck))});
      rows.add(new String[] {"heap check: live heap growth, first → last sample, MB",
          String.format("%+.0f", heapCheck.liveGrowthMb()), "< " + (int) GROWTH_LIMIT_MB});
      rows.add(new String[] {"heap check: peak RSS, MB", fmt(heapCheck.peakRssMb()), ""});
    }
  }

  ObjectNode json() {
    return json;
  }

  String table() {
    int[] width = new int[3];
    for (String[] r : rows) {
      for (int i = 0; i < 3; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int n = 0; n < rows.size(); n++) {
      String[] r = rows.get(n);
      b.append(String.format("| %-" + width[0] + "s | %" + width[1] + "s | %-" + width[2] + "s |%n", r[0], r[1], r[2]));
      if (n == 0) {
        b.append(String.format("|%s|%s:|%s|%n", "-".repeat(width[0] + 2), "-".repeat(width[1] + 1),
            "-".repeat(width[2] + 2)));
      }
    }
    return b.toString();
  }

  private static double median(List<BenchRun.Result> runs, ToDoubleFunction<BenchRun.Result> figure) {
    return Stats.median(runs.stream().map(r -> figure.applyAsDouble(r)).toList());
  }

  /** Ran to the end within the heap (no OutOfMemoryError), live heap under the target and not climbing. */
  private static boolean heapMet(HeapCheck.Result h) {
    return maxLive(h) < HEAP_TARGET_MB && h.liveGrowthMb() < GROWTH_LIMIT_MB;
  }

  private static double maxLive(HeapCheck.Result h) {
    return h.samples().stream().mapToDouble(HeapCheck.Sample::liveHeapMb).max().orElse(Double.NaN);
  }

  private static String mark(boolean met) {
    return met ? " (met)" : " (MISSED)";
  }

  private static String fmt(double v) {
    return String.format("%,.0f", v);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
