package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.SinkTestSupport.await;
import static dev.costpipe.clickhouse.sink.SinkTestSupport.uncommitted;
import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.sink.SinkTestSupport.RunningSink;
import dev.costpipe.clickhouse.sink.SinkTestSupport.Topics;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import dev.costpipe.topology.TopologyConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's registry outage for the sink: a real schema registry hung for 30 s mid-stream, the sink
 * restarted meanwhile (a fresh sink has no schema cached, so it must ask the registry) → every row in ClickHouse,
 * nothing dead-lettered, everything committed.
 */
class ClickHouseSinkRegistryOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void aRegistryDownThirtySecondsMidStreamWithTheSinkRestartedLosesNothing() throws Exception {
    ClickHouseTestServer clickhouse = ClickHouseTestServer.shared();
    KafkaTestBroker broker = KafkaTestBroker.shared();
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    Topics t = Topics.unique();
    broker.createTopic(t.costs(), 2, Map.of());
    broker.createTopic(t.aggregates(), 1, Map.of());
    broker.createTopic(t.alerts(), 1, Map.of());
    String db = TestRecords.unique("cp_registry");
    String group = TestRecords.unique("group");
    Properties settings = SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, t, group);
    settings.setProperty("schema.registry.url", registry.url());
    Properties writer = new Properties();
    writer.putAll(settings);
    writer.setProperty("costpipe.serde.format", "avro");
    // one serializer: its ids are cached, so it writes while the registry is down
    Serializer<CostRecord> avro = TopologyConfig.from(writer).outputFormat().costRecords().serializer();
    Instant base = Instant.parse("2026-06-01T10:00:00Z");
    List<CostRecord> costs = IntStream.range(0, 30).mapToObj(i -> cost(String.format("outage-%02d", i))
        .at(base.plusSeconds(60L * i)).user("u" + (i % 3)).usage(1000 + i, 50, 100).cost(1_000_000L + i).build())
        .toList();

    try (KafkaProducer<String, byte[]> producer = producer(broker)) {
      send(producer, avro, t, costs.subList(0, 10));
      try (RunningSink sink = new RunningSink(ClickHouseSinkConfig.from(settings))) {
        await(WAIT, () -> "the first 10 rows; sink " + sink.metrics(),
            () -> sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= 10);
        registry.pause();
      }
      try {
        send(producer, avro, t, costs.subList(10, 30));
        long down = System.nanoTime();
        try (RunningSink restarted = new RunningSink(ClickHouseSinkConfig.from(settings))) {
          await(WAIT, "the restarted sink waiting for the registry", () -> restarted.sink.schemaRegistryDown());
          Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - down) / 1_000_000));
          registry.resume();
          await(WAIT, () -> "all rows written and committed; sink " + restarted.metrics(),
              () -> restarted.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= 20
                  && uncommitted(broker, group, t.sources()).isEmpty());
          assertThat(restarted.metrics().deadLetters()).isZero();
          assertThat(restarted.metrics().retries()).isPositive();
        }
      } finally {
        registry.resume();
      }
    }

    assertThat(clickhouse.query("SELECT request_id FROM " + db + ".request_costs FINAL ORDER BY request_id"
        + " FORMAT JSONEachRow")).extracting(row -> row.get("request_id"))
        .containsExactlyElementsOf(costs.stream().map(CostRecord::requestId).toList());
    assertThat(broker.readAll(t.deadLetters(), Duration.ofSeconds(3))).as("dead letters").isEmpty();
  }

  private static void send(KafkaProducer<String, byte[]> producer, Serializer<CostRecord> avro, Topics t,
      List<CostRecord> costs) throws Exception {
    for (CostRecord r : costs) {
      producer.send(new ProducerRecord<>(t.costs(), r.requestId(), avro.serialize(t.costs(), r))).get();
    }
  }

  private static KafkaProducer<String, byte[]> producer(KafkaTestBroker broker) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
