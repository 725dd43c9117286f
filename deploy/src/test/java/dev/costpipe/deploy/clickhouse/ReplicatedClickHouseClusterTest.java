package dev.costpipe.deploy.clickhouse;

import dev.costpipe.testsupport.ZooKeeperTestServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.app.cli.CostpipeCommand;
import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.ServerProcesses;
import dev.costpipe.clickhouse.sink.ClickHouseSink;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The replicated DDL on a real cluster: ZooKeeper and two ClickHouse 18.16 servers, replicas of one shard.
 * The DDL is applied on one node (ON CLUSTER), the unmodified sink writes the example cost records through
 * the Distributed table, and both replicas then hold the same rows, read with FINAL.
 */
class ReplicatedClickHouseClusterTest {
  private static final Duration REPLICATION_WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private static String node(int zooKeeperPort, int[] ports, int replica) {
    int interserver = replica == 1 ? ports[4] : ports[5];
    return """
        <interserver_http_host>127.0.0.1</interserver_http_host>
        <interserver_http_port>%d</interserver_http_port>
        <zookeeper><node><host>127.0.0.1</host><port>%d</port></node></zookeeper>
        <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
        <macros><cluster>costpipe</cluster><shard>01</shard><replica>replica-%d</replica></macros>
        <remote_servers>
          <costpipe>
            <shard>
              <internal_replication>true</internal_replication>
              <replica><host>127.0.0.1</host><port>%d</port></replica>
              <replica><host>127.0.0.1</host><port>%d</port></replica>
            </shard>
          </costpipe>
        </remote_servers>
        """.formatted(interserver, zooKeeperPort, replica, ports[1], ports[3]);
  }

  @Test
  void rowsWrittenByTheSinkThroughTheDistributedTableAreOnBothReplicas() throws Exception {
    int[] ports = ServerProcesses.freePorts(6); // http, tcp of node 1; http, tcp of node 2; interserver 1, 2
    try (ZooKeeperTestServer zk = ZooKeeperTestServer.start();
        ClickHouseTestServer one = ClickHouseTestServer.start(ports[0], ports[1], node(zk.port(), ports, 1));
        ClickHouseTestServer two = ClickHouseTestServer.start(ports[2], ports[3], node(zk.port(), ports, 2))) {
      for (Path file : ReplicatedDdlFiles.files(ReplicatedDdlFiles.DIR)) {
        ReplicatedDdlFiles.statements(file).forEach(one::execute);
      }
      for (ClickHouseTestServer node : List.of(one, two)) {
        assertThat(engines(node)).containsEntry("request_costs", "Distributed")
            .containsEntry("request_costs_local", "ReplicatedReplacingMergeTree")
            .containsEntry("cost_aggregates", "Distributed").containsEntry("cost_alerts", "Distributed");
      }

      Map<String, Long> expected = publishExampleCostRecords("replicated.costs");
      Properties settings = sinkSettings(one.httpUrl());
      runSinkUntil(settings, () -> costs(two, "request_costs_local").equals(expected));
      // the sink's own migrations left the cluster's tables alone and created its views over them
      assertThat(engines(one)).containsEntry("request_costs", "Distributed").containsKey("v_cost_per_day");

      for (ClickHouseTestServer node : List.of(one, two)) {
        assertThat(costs(node, "request_costs_local")).as(node.httpUrl()).isEqualTo(expected);
        assertThat(costs(node, "request_costs")).as(node.httpUrl()).isEqualTo(expected);
      }
      long total = expected.values().stream().filter(c -> c >= 0).mapToLong(Long::longValue).sum();
      assertThat(one.query("SELECT toString(sum(total_cost_nano_usd)) AS t FROM costpipe.v_cost_per_day FORMAT JSONEachRow"))
          .containsExactly(Map.of("t", Long.toString(total)));

      // a re-delivery (the sink's group starts over) is stored again but counted once with FINAL; a background
      // merge may already have collapsed the copies, so what is awaited is every row in its newer version
      String firstWritten = lastIngested(two);
      Thread.sleep(1100);
      settings.setProperty("group.id", "costpipe-clickhouse-sink-again");
      runSinkUntil(settings, () -> rowsIngestedAfter(two, firstWritten) == expected.size());
      for (ClickHouseTestServer node : List.of(one, two)) {
        assertThat(costs(node, "request_costs")).as(node.httpUrl()).isEqualTo(expected);
      }
    }
  }

  /** The example raw events priced by {@code costpipe cost}, on a topic: request_id → cost_nano_usd (-1 unpriced). */
  private Map<String, Long> publishExampleCostRecords(String topic) throws Exception {
    Path records = dir.resolve("costs.jsonl");
    int exit = new CommandLine(new CostpipeCommand()).execute("cost", "--input", "examples/raw-events.jsonl",
        "--output", records.toString());
    assertThat(exit).isZero();
    Map<String, Long> expected = new TreeMap<>();
    List<Map.Entry<String, String>> messages = Files.readAllLines(records).stream().map(line -> {
      JsonNode r = read(line);
      expected.put(r.get("request_id").asText(), r.get("cost_nano_usd").isNull() ? -1 : r.get("cost_nano_usd").asLong());
      return Map.entry(r.get("request_id").asText(), line);
    }).toList();
    KafkaTestBroker broker = KafkaTestBroker.shared();
    broker.createTopic(topic, 2, Map.of());
    broker.produce(topic, messages);
    assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
    return expected;
  }

  private static Properties sinkSettings(String clickHouseUrl) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", KafkaTestBroker.shared().bootstrapServers());
    p.setProperty("group.id", "costpipe-clickhouse-sink");
    p.setProperty("costpipe.sink.clickhouse.url", clickHouseUrl);
    p.setProperty("costpipe.sink.clickhouse.database", "costpipe");
    p.setProperty("costpipe.sink.clickhouse.user", "default");
    p.setProperty("costpipe.sink.clickhouse.batch-ms", "200");
    p.setProperty("costpipe.topic.costs", "replicated.costs");
    p.setProperty("costpipe.topic.cost-aggregates", "replicated.aggregates");
    p.setProperty("costpipe.topic.cost-alerts", "replicated.alerts");
    p.setProperty("costpipe.topic.sink-dead-letter", "replicated.sink-dlq");
    return p;
  }

  private static void runSinkUntil(Properties settings, Supplier<Boolean> done) throws InterruptedException {
    ClickHouseSink sink = new ClickHouseSink(ClickHouseSinkConfig.from(settings));
    Throwable[] failure = new Throwable[1];
    Thread thread = new Thread(() -> {
      try {
        sink.run();
      } catch (Throwable t) {
        failure[0] = t;
      }
    }, "clickhouse-sink-under-test");
    thread.start();
    try {
      long deadline = System.nanoTime() + REPLICATION_WAIT.toNanos();
      while (!done.get()) {
        if (failure[0] != null) {
          throw new AssertionError("the sink failed", failure[0]);
        }
        if (System.nanoTime() > deadline) {
          fail("the rows did not reach the second replica within " + REPLICATION_WAIT.toSeconds() + " s");
        }
        Thread.sleep(200);
      }
    } finally {
      sink.close();
      thread.join();
    }
  }

  private static Map<String, String> engines(ClickHouseTestServer node) {
    Map<String, String> out = new TreeMap<>();
    node.query("SELECT name, engine FROM system.tables WHERE database = 'costpipe' FORMAT JSONEachRow")
        .forEach(r -> out.put((String) r.get("name"), (String) r.get("engine")));
    return out;
  }

  private static Map<String, Long> costs(ClickHouseTestServer node, String table) {
    Map<String, Long> out = new TreeMap<>();
    node.query("SELECT request_id, toString(ifNull(cost_nano_usd, -1)) AS cost FROM costpipe." + table
        + " FINAL FORMAT JSONEachRow").forEach(r -> out.put((String) r.get("request_id"), Long.parseLong((String) r.get("cost"))));
    return out;
  }

  private static String lastIngested(ClickHouseTestServer node) {
    return (String) node.query("SELECT toString(max(ingested_at)) AS t FROM costpipe.request_costs_local FORMAT JSONEachRow")
        .get(0).get("t");
  }

  private static long rowsIngestedAfter(ClickHouseTestServer node, String time) {
    return Long.parseLong((String) node.query("SELECT toString(count()) AS n FROM costpipe.request_costs_local FINAL"
        + " WHERE ingested_at > toDateTime('" + time + "', 'UTC') FORMAT JSONEachRow").get(0).get("n"));
  }

  private static JsonNode read(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
