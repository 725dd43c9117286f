package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.SinkTestSupport.await;
import static dev.costpipe.clickhouse.sink.SinkTestSupport.header;
import static dev.costpipe.clickhouse.sink.SinkTestSupport.uncommitted;
import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import dev.costpipe.clickhouse.sink.SinkTestSupport.RunningSink;
import dev.costpipe.clickhouse.sink.SinkTestSupport.Topics;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.serde.OutputFormat;
import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The sink reading what the topology writes with {@code costpipe.serde.format=avro} (Confluent's wire format,
 * a real schema registry), mixed with JSON records: the same rows as from JSON, and an unreadable Avro value
 * dead-lettered as {@code invalid_avro}.
 */
class ClickHouseSinkAvroTest {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @Test
  void writesAvroAndJsonRecordsAlikeAndDeadLettersUnreadableAvro() throws Exception {
    ClickHouseTestServer clickhouse = ClickHouseTestServer.shared();
    KafkaTestBroker broker = KafkaTestBroker.shared();
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    Topics t = Topics.unique();
    broker.createTopic(t.costs(), 2, Map.of());
    broker.createTopic(t.aggregates(), 1, Map.of());
    broker.createTopic(t.alerts(), 1, Map.of());
    String db = TestRecords.unique("cp_avro");
    String group = TestRecords.unique("group");
    Properties settings = SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, t, group);
    settings.setProperty("schema.registry.url", registry.url());
    Properties writer = new Properties();
    writer.putAll(settings);
    writer.setProperty("costpipe.serde.format", "avro");
    OutputFormat avro = TopologyConfig.from(writer).outputFormat();

    List<CostRecord> costs = new ArrayList<>();
    Instant base = Instant.parse("2026-06-01T10:00:00.250Z");
    for (int i = 0; i < 20; i++) {
      TestRecords.Builder b = cost(String.format("avro-%02d", i)).at(base.plusSeconds(60L * i)).user("u" + (i % 3))
          .session("s" + (i % 2), "support", i % 4 == 0 ? null : "/step" + i).property("Environment", "production");
      if (i % 5 == 0) {
        b.model("mystery", "m-1", null).unknownModel();
      } else {
        b.usage(1000 + i, 50, 100).cost(1_000_000L + i);
      }
      costs.add(b.build());
    }
    CostRecord asJson = cost("json-00").at(base).user("u9").cost(777L).build();
    try (KafkaProducer<String, byte[]> producer = producer(broker)) {
      for (CostRecord r : costs) {
        producer.send(new ProducerRecord<>(t.costs(), r.requestId(), avro.costRecords().serializer().serialize(t.costs(), r)));
      }
      producer.send(new ProducerRecord<>(t.costs(), asJson.requestId(), CostRecordJson.write(asJson).getBytes(StandardCharsets.UTF_8)));
      // magic byte 0 and a schema id the registry never gave
      producer.send(new ProducerRecord<>(t.costs(), "bad-avro", new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2, 4}));
      producer.send(new ProducerRecord<>(t.aggregates(), "session/s1", avro.aggregates().serializer().serialize(
          t.aggregates(), TestRecords.aggregate("session", "s1", "1h", "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z",
              3_000_000_000L, 2, 2, "support", Map.of("/refund", new long[] {2_000_000_000L, 1}, "",
                  new long[] {1_000_000_000L, 1})))));
      producer.send(new ProducerRecord<>(t.alerts(), "rule-a", avro.alerts().serializer().serialize(t.alerts(),
          TestRecords.alert("rule-a", 80, "100", "80.000000001", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z",
              "2026-06-01T10:00:00.250Z", "avro-03"))));
    }

    try (RunningSink sink = new RunningSink(ClickHouseSinkConfig.from(settings))) {
      await(WAIT, () -> "all rows written and committed; sink " + sink.metrics(),
          () -> sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= 21
              && sink.metrics().rowsWritten(SinkTable.COST_AGGREGATES) >= 1
              && sink.metrics().rowsWritten(SinkTable.COST_ALERTS) >= 1
              && sink.metrics().deadLetters() >= 1
              && uncommitted(broker, group, t.sources()).isEmpty());
    }

    List<Map<String, Object>> rows = clickhouse.query("SELECT request_id, toUnixTimestamp(timestamp) AS ts, user_id,"
        + " session_path, property_keys, property_values, pricing_status, cost_nano_usd, toString(cost_usd) AS usd,"
        + " input_tokens, cache_read_tokens FROM " + db + ".request_costs FINAL ORDER BY request_id FORMAT JSONEachRow");
    assertThat(rows).hasSize(21);
    for (int i = 0; i < costs.size(); i++) {
      CostRecord r = costs.get(i);
      Map<String, Object> row = rows.get(i);
      assertThat(row.get("request_id")).isEqualTo(r.requestId());
      assertThat(Long.parseLong(row.get("ts").toString())).isEqualTo(r.timestamp().getEpochSecond());
      assertThat(row.get("user_id")).isEqualTo(r.userId());
      assertThat(row.get("session_path")).isEqualTo(r.sessionPath());
      assertThat(row.get("property_keys")).isEqualTo(List.of("Environment"));
      assertThat(row.get("property_values")).isEqualTo(List.of("production"));
      assertThat(row.get("pricing_status")).isEqualTo(r.pricingStatus().wire());
      assertThat(row.get("cost_nano_usd") == null ? null : Long.valueOf(row.get("cost_nano_usd").toString()))
          .isEqualTo(r.costNanoUsd());
      assertThat(Long.parseLong(row.get("input_tokens").toString())).isEqualTo(r.usage().inputTokens());
      assertThat(Long.parseLong(row.get("cache_read_tokens").toString())).isEqualTo(r.usage().cacheReadTokens());
    }
    assertThat(rows.get(20).get("request_id")).isEqualTo("json-00");
    assertThat(clickhouse.query("SELECT session_name, toString(cost_nano_usd) AS c, session_paths_path FROM " + db
        + ".cost_aggregates FINAL FORMAT JSONEachRow")).singleElement()
        .satisfies(a -> assertThat(a).containsEntry("session_name", "support").containsEntry("c", "3000000000"));
    assertThat(clickhouse.query("SELECT rule_id, level_pct, toString(spent) AS spent FROM " + db
        + ".cost_alerts FINAL FORMAT JSONEachRow")).singleElement()
        .satisfies(a -> assertThat(a).containsEntry("rule_id", "rule-a").containsEntry("spent", "80.000000001"));

    List<ConsumerRecord<String, String>> dlq = broker.readAll(t.deadLetters(), Duration.ofSeconds(20));
    assertThat(dlq).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("bad-avro");
      assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("invalid_avro");
      assertThat(header(r, DeadLetterHeaders.MESSAGE)).contains("schema id 999999");
    });
  }

  private static KafkaProducer<String, byte[]> producer(KafkaTestBroker broker) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
