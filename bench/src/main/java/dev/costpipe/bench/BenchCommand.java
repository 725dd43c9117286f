package dev.costpipe.bench;

import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.ServerProcesses;
import dev.costpipe.devtools.generate.GeneratorSettings;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run.sh [--quick] [--requests N] [--runs R] [--out FILE]}: the end-to-end benchmark on a real local
 * broker and ClickHouse server (see {@link BenchRun} for what one run measures, {@link HeapCheck} for the
 * full mode's heap check). Prints progress, then the table, and writes the JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks costpipe against a plain exactly-once copy and the ClickHouse sink against "
        + "clickhouse-client, on a local Kafka broker and ClickHouse server.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "fewer requests, no heap check: under 5 minutes on 2 cores")
  boolean quick;

  @Option(names = "--requests", description = "measured requests per run (default: 5,000 quick, 50,000 full)")
  Integer requests;

  @Option(names = "--warmup-requests",
      description = "requests processed first in each run, not timed (default: 3,000 quick, 20,000 full)")
  Integer warmupRequests;

  @Option(names = "--runs", defaultValue = "3", description = "runs; each figure is their median (default: 3)")
  int runs;

  @Option(names = "--out", defaultValue = "bench-results.json", description = "where the JSON goes (default: bench-results.json here)")
  Path out;

  @Option(names = "--partitions", defaultValue = "4", description = "partitions of every topic (default: 4)")
  int partitions;

  @Option(names = "--paced-seconds", description = "duration of the paced latency traffic (default: 10 quick, 30 full)")
  Integer pacedSeconds;

  @Option(names = "--paced-warmup-seconds",
      description = "paced traffic and budget checks first, not measured (JIT warm-up; default: 5 quick, 20 full)")
  Integer pacedWarmupSeconds;

  @Option(names = "--budget-check-callers", defaultValue = "1", description = "callers of the budget checks during"
      + " the paced traffic, each at its share of one check per paced request (default: 1, which on two loaded cores"
      + " manages about half of them; 10 ask them all)")
  int budgetCheckCallers;

  @Option(names = "--sink-rows", description = "rows for the sink comparison (default: 100,000 quick, 500,000 full)")
  Integer sinkRows;

  @Option(names = "--sink-only", description = "only the ClickHouse sink against clickhouse-client, --runs pairs"
      + " on synthetic cost records (no topology, no heap check)")
  boolean sinkOnly;

  @Option(names = "--heap-check-requests",
      description = "requests of the heap check, 0 for none (default: 0 quick, 1,000,000 full)")
  Integer heapCheckRequests;

  @Option(names = "--app-heap", defaultValue = "1g", description = "-Xmx of the applications under test (1g)")
  String appHeap;

  @Option(names = "--profile", description = "record costpipe with JFR (<work dir>/bench-r<i>-costpipe.jfr)")
  boolean profile;

  @Option(names = "--seed", defaultValue = "42", description = "the traffic generator's seed (default: 42)")
  long seed;

  @Option(names = "--chunks-per-stream",
      description = "mean chunk events per streamed request (default: the generator's, 20)")
  Integer chunksPerStream;

  @Option(names = "--streams-setting", paramLabel = "KEY=VALUE",
      description = "a Kafka Streams or client setting for both applications under test, over costpipe's defaults;"
          + " repeatable (e.g. commit.interval.ms=100)")
  Map<String, String> streamsSettings = new LinkedHashMap<>();

  @Option(names = "--sink-setting", paramLabel = "KEY=VALUE",
      description = "a setting of the ClickHouse sink under test (costpipe.sink.clickhouse.* or a Kafka consumer"
          + " setting), over its defaults; repeatable (e.g. costpipe.sink.clickhouse.batch-rows=25000)")
  Map<String, String> sinkSettings = new LinkedHashMap<>();

  @Option(names = "--work-dir", description = "logs, GC logs, recordings (default: a new temp directory)")
  Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || partitions < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--runs and --partitions must be at least 1");
    }
    if (budgetCheckCallers < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--budget-check-callers must be at least 1");
    }
    if (pacedWarmupSeconds != null && pacedWarmupSeconds < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--paced-warmup-seconds must be 0 or more");
    }
    BenchPlan plan = new BenchPlan(quick, or(warmupRequests, quick ? 3_000 : 20_000),
        or(requests, quick ? 5_000 : 50_000), runs, partitions,
        or(pacedSeconds, quick ? 10 : 30), or(pacedWarmupSeconds, quick ? 5 : 20), budgetCheckCallers,
        or(sinkRows, quick ? 100_000 : 500_000),
        or(heapCheckRequests, quick ? 0 : 1_000_000), appHeap, profile, seed,
        or(chunksPerStream, GeneratorSettings.defaults(seed).chunksPerStream()), streamsSettings,
        sinkSettings);
    if (plan.sinkRows() < 30_000) {
      // fewer rows are a few batches: the rate would be mostly the sink's first and last insert
      throw new CommandLine.ParameterException(new CommandLine(this), "--sink-rows must be at least 30,000");
    }
    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("costpipe-bench-");
    Instant startedAt = Instant.now();
    long begin = System.nanoTime();
    String loadStart = MachineInfo.loadAverage();
    Progress.say("%s mode: %,d warm-up + %,d measured requests × %d runs, %d partitions; load average %s;"
        + " work dir %s", quick ? "quick" : "full", plan.warmupRequests(), plan.requests(), runs, partitions,
        loadStart, dir);

    if (sinkOnly) {
      var json = SinkPairs.run(plan, dir, loadStart, startedAt, begin);
      Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
      System.out.printf("%nsink %s rows/s, clickhouse-client %s rows/s: sink / clickhouse-client %s (median of %d"
          + " pairs; each pair %s)%nresults: %s%n", json.get("sink_rows_per_s"),
          json.get("clickhouse_client_rows_per_s"), json.get("sink_vs_clickhouse_client"), runs,
          json.get("per_pair").findValuesAsText("ratio"), out.toAbsolutePath());
      if (workDir == null) {
        ServerProcesses.deleteRecursively(dir);
      }
      return 0;
    }
    List<BenchRun.Result> results = new ArrayList<>();
    HeapCheck.Result heapCheck = null;
    try (KafkaTestBroker broker = KafkaTestBroker.start(KafkaTestBroker.JvmProfile.BENCHMARK);
         ClickHouseTestServer clickhouse = ClickHouseTestServer.start()) {
      SinkBench sink = new SinkBench(broker.bootstrapServers(), clickhouse, dir, plan.sinkSettings());
      BenchRun run = new BenchRun(plan, broker, sink, dir);
      for (int i = 1; i <= runs; i++) {
        results.add(run.run(i));
      }
      if (plan.heapCheckRequests() > 0) {
        Progress.say("heap check: %,d requests through costpipe in -Xmx512m", plan.heapCheckRequests());
        heapCheck = HeapCheck.run(plan, broker, dir, "512m", 30);
      }
    }
    BenchReport report = new BenchReport(plan, results, heapCheck, MachineInfo.describe(), loadStart,
        MachineInfo.loadAverage(), startedAt, (System.nanoTime() - begin) / 1e9);
    Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report.json()) + "\n");
    System.out.println();
    System.out.print(report.table());
    System.out.printf("%nmachine: %s; load average %s at start, %s at end; %.0f s%n", report.json().get("machine"),
        loadStart, report.json().get("load_average_end").asText(), report.json().get("wall_time_s").asDouble());
    System.out.println("results: " + out.toAbsolutePath());
    if (workDir == null && !profile) {
      ServerProcesses.deleteRecursively(dir);
    } else {
      System.out.println("logs, GC logs" + (profile ? ", JFR recordings" : "") + ": " + dir);
    }
    return 0;
  }

  private static int or(Integer value, int dflt) {
    return value != null ? value : dflt;
  }
}
