package dev.costpipe.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --sink-only}: the sink's part of the benchmark alone, for a machine too busy for the whole of it. The
 * same {@link SinkBench} (the sink, then clickhouse-client on the very rows the sink sent) run {@code --runs}
 * times back to back, so sink and client alternate, on {@link SyntheticCostRecords} instead of a run's cost
 * records. The ratio is the median sink rate over the median client rate, as in the full benchmark; each
 * pair's own ratio is reported beside it.
 */
final class SinkPairs {
  /** Distinct records; {@link SinkBench} repeats them with suffixed request ids up to the rows asked for. */
  private static final int DISTINCT = 5_000;

  private SinkPairs() {}

  static ObjectNode run(BenchPlan plan, Path workDir, String loadStart, Instant startedAt, long beginNanos)
      throws Exception {
    List<byte[]> records = SyntheticCostRecords.of(DISTINCT, plan.seed());
    List<SinkBench.Result> pairs = new ArrayList<>();
    try (KafkaTestBroker broker = KafkaTestBroker.start(KafkaTestBroker.JvmProfile.BENCHMARK);
         ClickHouseTestServer clickhouse = ClickHouseTestServer.start();
         KafkaAdmin admin = new KafkaAdmin(broker)) {
      SinkBench sink = new SinkBench(broker.bootstrapServers(), clickhouse, workDir, plan.sinkSettings());
      for (int i = 1; i <= plan.runs(); i++) {
        Progress.say("pair %d/%d: ClickHouse sink, then clickhouse-client, %,d rows", i, plan.runs(),
            plan.sinkRows());
        SinkBench.Result r = sink.run("bench_s" + i + "_", admin, plan.partitions(), records, plan.sinkRows());
        Progress.say("pair %d/%d: sink %,.0f rows/s, clickhouse-client %,.0f rows/s (%.2f); CPU per row: sink JVM"
                + " %.1f µs + server %.1f µs, clickhouse-client %.1f µs + server %.1f µs; load average %s", i,
            plan.runs(), r.sinkRowsPerSecond(), r.clientRowsPerSecond(), r.sinkRowsPerSecond() / r.clientRowsPerSecond(),
            r.sinkCpuMicrosPerRow(), r.sinkServerCpuMicrosPerRow(), r.clientCpuMicrosPerRow(),
            r.clientServerCpuMicrosPerRow(), MachineInfo.loadAverage());
        pairs.add(r);
      }
    }
    double sink = Stats.median(pairs.stream().map(SinkBench.Result::sinkRowsPerSecond).toList());
    double client = Stats.median(pairs.stream().map(SinkBench.Result::clientRowsPerSecond).toList());
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("mode", "sink-only");
    json.put("sink_rows_per_s", Math.round(sink));
    json.put("clickhouse_client_rows_per_s", Math.round(client));
    json.put("sink_vs_clickhouse_client", Math.round(sink / client * 1000) / 1000.0);
    json.put("sink_cpu_us_per_row", Math.round(Stats.median(pairs.stream()
        .map(SinkBench.Result::sinkCpuMicrosPerRow).toList()) * 10) / 10.0);
    json.put("clickhouse_client_cpu_us_per_row", Math.round(Stats.median(pairs.stream()
        .map(SinkBench.Result::clientCpuMicrosPerRow).toList()) * 10) / 10.0);
    json.put("sink_server_cpu_us_per_row", Math.round(Stats.median(pairs.stream()
        .map(SinkBench.Result::sinkServerCpuMicrosPerRow).toList()) * 10) / 10.0);
    json.put("clickhouse_client_server_cpu_us_per_row", Math.round(Stats.median(pairs.stream()
        .map(SinkBench.Result::clientServerCpuMicrosPerRow).toList()) * 10) / 10.0);
    json.put("median_pair_ratio", Math.round(Stats.median(pairs.stream()
        .map(r -> r.sinkRowsPerSecond() / r.clientRowsPerSecond()).toList()) * 1000) / 1000.0);
    json.putObject("targets_met").put("sink_vs_clickhouse_client_at_least_" + BenchReport.SINK_TARGET,
        sink / client >= BenchReport.SINK_TARGET);
    ArrayNode perPair = json.putArray("per_pair");
    for (SinkBench.Result r : pairs) {
      perPair.addObject().put("sink_rows_per_s", Math.round(r.sinkRowsPerSecond()))
          .put("clickhouse_client_rows_per_s", Math.round(r.clientRowsPerSecond()))
          .put("ratio", Math.round(r.sinkRowsPerSecond() / r.clientRowsPerSecond() * 1000) / 1000.0)
          .put("sink_cpu_us_per_row", Math.round(r.sinkCpuMicrosPerRow() * 10) / 10.0)
          .put("clickhouse_client_cpu_us_per_row", Math.round(r.clientCpuMicrosPerRow() * 10) / 10.0)
          .put("sink_server_cpu_us_per_row", Math.round(r.sinkServerCpuMicrosPerRow() * 10) / 10.0)
          .put("clickhouse_client_server_cpu_us_per_row", Math.round(r.clientServerCpuMicrosPerRow() * 10) / 10.0);
    }
    json.put("sink_rows", plan.sinkRows());
    json.put("bytes_per_row", pairs.get(0).bytes() / pairs.get(0).rows());
    json.put("runs", pairs.size());
    json.put("records", "synthetic (" + DISTINCT + " distinct, repeated)");
    json.put("partitions", plan.partitions());
    json.set("machine", MachineInfo.describe());
    json.put("date", startedAt.toString());
    json.put("load_average_start", loadStart);
    json.put("load_average_end", MachineInfo.loadAverage());
    json.put("wall_time_s", Math.round((System.nanoTime() - beginNanos) / 1e9));
    return json;
  }
}
