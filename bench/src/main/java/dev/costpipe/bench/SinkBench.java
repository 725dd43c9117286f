package dev.costpipe.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import dev.costpipe.clickhouse.sink.ClickHouseSink;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.clickhouse.sink.InvalidRecordException;
import dev.costpipe.clickhouse.sink.SinkTable;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Metric;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ClickHouse sink against the server's own limit: the same cost records go once through
 * {@link ClickHouseSink} (Kafka → rows → {@code request_costs}, batches of its default size) and once, as
 * the JSONEachRow lines of the very values the sink writes (as RowBinary), through {@code clickhouse-client
 * --query "INSERT … FORMAT JSONEachRow" < file} into an identical table. The sink's aggregates and alerts topics
 * are left empty, so both write only {@code request_costs}.
 */
final class SinkBench {
  /**
   * Rows per second of each, the rows and bytes written, and the CPU each used per row: the bench JVM's from the
   * sink's start until every row is in (the sink runs in it; start-up included), clickhouse-client's own
   * process (user + system); and the server's for each, from its start until every row is in and the table's
   * merges have ended (the sink's smaller inserts make more parts to merge). CPU per row hardly moves when other
   * work competes for the cores, and on a machine the server shares, each path's rate is bounded by the cores
   * over its CPU per row, its own plus the server's.
   */
  record Result(long rows, long bytes, double sinkRowsPerSecond, double clientRowsPerSecond,
      double sinkCpuMicrosPerRow, double clientCpuMicrosPerRow, double sinkServerCpuMicrosPerRow,
      double clientServerCpuMicrosPerRow) {}

  private record Rate(double rowsPerSecond, double cpuMicrosPerRow) {}

  private final String bootstrap;
  private final ClickHouseTestServer clickhouse;
  private final Path workDir;
  private final Map<String, String> sinkSettings;

  /** {@code sinkSettings} go to the sink over the bench's own (its topics, database, group). */
  SinkBench(String bootstrap, ClickHouseTestServer clickhouse, Path workDir, Map<String, String> sinkSettings) {
    this.bootstrap = bootstrap;
    this.clickhouse = clickhouse;
    this.workDir = workDir;
    this.sinkSettings = Map.copyOf(sinkSettings);
  }

  /**
   * @param costRecords cost records as the topology wrote them; repeated (request ids suffixed {@code -k}) up to
   *     {@code rows} records
   */
  Result run(String prefix, KafkaAdmin admin, int partitions, List<byte[]> costRecords, int rows) throws Exception {
    String costs = prefix + ".sink-costs";
    admin.createAppendTimeTopics(partitions, costs, prefix + ".sink-aggregates", prefix + ".sink-alerts");
    Path file = workDir.resolve(prefix + ".request_costs.jsonl");
    long bytes = produceAndWrite(costs, repeat(costRecords, rows), file);
    // The records are now in Kafka and in the client's file, no longer in this heap: the sink's GC works on its own
    // data, as in its own process, not on the benchmark's inputs (half a gigabyte at 500,000 rows).
    System.gc();
    String db = prefix.replaceAll("[^A-Za-z0-9_]", "_");
    new ClickHouseMigrations(clickhouse.client(), db).migrate();
    new ClickHouseMigrations(clickhouse.client(), db + "_client").migrate();

    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    p.setProperty("group.id", prefix + "-sink");
    p.setProperty("costpipe.sink.clickhouse.url", clickhouse.httpUrl());
    p.setProperty("costpipe.sink.clickhouse.database", db);
    p.setProperty("costpipe.topic.costs", costs);
    p.setProperty("costpipe.topic.cost-aggregates", prefix + ".sink-aggregates");
    p.setProperty("costpipe.topic.cost-alerts", prefix + ".sink-alerts");
    p.setProperty("costpipe.topic.sink-dead-letter", prefix + ".sink-dlq");
    sinkSettings.forEach(p::setProperty);
    double server0 = CpuTime.seconds(clickhouse.pid());
    Rate sinkRate = runSink(ClickHouseSinkConfig.from(p), rows);
    long stored = count(db);
    if (stored != rows) {
      throw new IllegalStateException("the sink wrote " + stored + " rows into " + db + ".request_costs, expected "
          + rows);
    }
    awaitMerges(db);
    double sinkServer = CpuTime.seconds(clickhouse.pid()) - server0;

    double server1 = CpuTime.seconds(clickhouse.pid());
    Rate clientRate = runClient(db + "_client", file, rows);
    awaitMerges(db + "_client");
    double clientServer = CpuTime.seconds(clickhouse.pid()) - server1;
    Files.delete(file);
    clickhouse.execute("DROP DATABASE " + db);
    clickhouse.execute("DROP DATABASE " + db + "_client");
    return new Result(rows, bytes, sinkRate.rowsPerSecond(), clientRate.rowsPerSecond(),
        sinkRate.cpuMicrosPerRow(), clientRate.cpuMicrosPerRow(), sinkServer * 1e6 / rows,
        clientServer * 1e6 / rows);
  }

  /** Returns once no merge of the database's tables runs (at most a minute: then the CPU counted is short). */
  private void awaitMerges(String db) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < until && Long.parseLong(String.valueOf(clickhouse.query(
        "SELECT count() AS n FROM system.merges WHERE database = '" + db + "' FORMAT JSONEachRow").get(0).get("n")))
        > 0) {
      Thread.sleep(100);
    }
  }

  /**
   * Rows per second from the first record the sink's consumer received (start-up and group join left out) until
   * every row is in: all rows, whatever the batch size, as clickhouse-client's rate counts all rows from its start.
   * (Until 2026-12-07 the clock started at the first batch acknowledged, which left out the first batch and the
   * conversion of the next done meanwhile: a larger batch inflated the rate.)
   */
  private static Rate runSink(ClickHouseSinkConfig config, int rows) throws InterruptedException {
    long self = ProcessHandle.current().pid();
    double cpu0 = CpuTime.seconds(self);
    ClickHouseSink sink = new ClickHouseSink(config);
    Thread thread = new Thread(sink::run, "bench-clickhouse-sink");
    thread.start();
    long firstNanos = 0;
    Metric consumed = null;
    long begin = System.nanoTime();
    long lastReport = begin;
    try {
      while (true) {
        long written = sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS);
        long now = System.nanoTime();
        if (firstNanos == 0) {
          consumed = consumed != null ? consumed : recordsConsumed(sink);
          if (consumed != null && ((Number) consumed.metricValue()).doubleValue() > 0) {
            firstNanos = now;
          }
        }
        if (written >= rows) {
          double cpuSeconds = CpuTime.seconds(self) - cpu0;
          return new Rate(written / ((now - firstNanos) / 1e9), cpuSeconds * 1e6 / rows);
        }
        if (now - begin > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("the sink wrote only " + written + " of " + rows + " rows in 10 min: "
              + sink.metrics());
        }
        if (!thread.isAlive()) {
          throw new IllegalStateException("the sink stopped after " + written + " rows: " + sink.metrics());
        }
        if (now - lastReport > 5_000_000_000L && firstNanos > 0) {
          lastReport = now;
          Progress.say("  sink: %,d of %,d rows, %,.0f rows/s so far", written, rows,
              written / ((now - firstNanos) / 1e9));
        }
        Thread.sleep(5);
      }
    } finally {
      sink.close();
      thread.join(60_000);
    }
  }

  /** The sink's consumer's count of records received, once the consumer exists. */
  private static Metric recordsConsumed(ClickHouseSink sink) {
    return sink.consumerForMetrics().flatMap(c -> c.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("records-consumed-total")
            && e.getKey().group().equals("consumer-fetch-manager-metrics") && !e.getKey().tags().containsKey("topic"))
        .<Metric>map(Map.Entry::getValue)
        .findFirst()).orElse(null);
  }

  private Rate runClient(String db, Path file, int rows) throws IOException, InterruptedException {
    long begin = System.nanoTime();
    Path cpuFile = workDir.resolve("clickhouse-client.cpu");
    // bash's `times` gives the client's CPU once it ended (the JVM sees no CPU time of a process gone)
    Process p = new ProcessBuilder("bash", "-c", "clickhouse-client --host 127.0.0.1 --port " + clickhouse.tcpPort()
        + " --query 'INSERT INTO " + db + ".request_costs FORMAT JSONEachRow'; s=$?; times > " + cpuFile
        + "; exit $s")
        .redirectInput(file.toFile())
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve("clickhouse-client.log").toFile())
        .start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("clickhouse-client failed (exit " + (p.isAlive() ? "none" : p.exitValue())
          + "): " + Files.readString(workDir.resolve("clickhouse-client.log")));
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    long stored = count(db);
    if (stored != rows) {
      throw new IllegalStateException("clickhouse-client wrote " + stored + " rows, expected " + rows);
    }
    return new Rate(rows / seconds, childCpuSeconds(cpuFile) * 1e6 / rows);
  }

  /** User + system seconds of the children, from bash's {@code times} (its second line: "0m1.234s 0m0.056s"). */
  private static double childCpuSeconds(Path timesOutput) throws IOException {
    String children = Files.readAllLines(timesOutput).get(1);
    double seconds = 0;
    for (String t : children.trim().split("\\s+")) {
      int m = t.indexOf('m');
      seconds += Integer.parseInt(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
    }
    Files.delete(timesOutput);
    return seconds;
  }

  private long count(String db) {
    return Long.parseLong(String.valueOf(clickhouse.query("SELECT count() AS n FROM " + db
        + ".request_costs FORMAT JSONEachRow").get(0).get("n")));
  }

  /** Sends the records to the sink's topic and writes the client's file of them; returns the file's size. */
  private long produceAndWrite(String topic, List<byte[]> values, Path file) throws IOException,
      InvalidRecordException {
    produce(topic, values);
    return writeRows(values, file);
  }

  /** The JSONEachRow lines of the rows the sink writes for these records; returns the file's size. */
  private static long writeRows(List<byte[]> values, Path file) throws IOException, InvalidRecordException {
    long ingestedAt = Instant.now().getEpochSecond();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (byte[] v : values) {
        out.write(SinkTable.REQUEST_COSTS.row(v, ingestedAt));
        out.write('\n');
      }
    }
    return Files.size(file);
  }

  private static List<byte[]> repeat(List<byte[]> records, int rows) throws IOException {
    if (records.isEmpty()) {
      throw new IllegalStateException("no cost records to write");
    }
    List<byte[]> out = new ArrayList<>(rows);
    for (int i = 0; out.size() < rows; i++) {
      byte[] original = records.get(i % records.size());
      int copy = i / records.size();
      if (copy == 0) {
        out.add(original);
      } else {
        ObjectNode o = (ObjectNode) Json.MAPPER.readTree(original);
        o.put("request_id", o.path("request_id").asText() + "-" + copy);
        out.add(Json.MAPPER.writeValueAsBytes(o));
      }
    }
    return out;
  }

  private void produce(String topic, List<byte[]> values) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"); // see RawTraffic
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      AtomicReference<Exception> failure = new AtomicReference<>();
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, null, v), (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
      producer.flush();
      if (failure.get() != null) {
        throw new IllegalStateException("cannot produce the sink's input to " + topic + ": " + failure.get());
      }
    }
  }
}
