package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.contracts.avro.registry.SchemaRegistryClient;
import dev.costpipe.contracts.avro.registry.SchemaRegistrySettings;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.schemas.avro.AlertEvent;
import dev.costpipe.schemas.avro.CostAggregate;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes the topology writes to {@code llm.cost-aggregates} and {@code llm.cost-alerts}, in JSON and in
 * Avro, pinned to golden values: consumers (the sink, the notifier, anyone's own) read these bytes, so a change
 * inside the topology must not move one of them.
 */
class OutputBytesTest {
  private static final Map<String, String> SUPPORT = Map.of("Helicone-User-Id", "alice", "Helicone-Session-Id", "s1",
      "Helicone-Session-Name", "support", "Helicone-Session-Path", "/triage", "Helicone-Property-Environment",
      "production");

  private static final String SESSION_KEY =
      "session/s1/1h/2026-06-01T10:00:00Z";
  private static final String SESSION_JSON =
      "{\"dimension\":\"session\",\"dimension_value\":\"s1\",\"cost_nano_usd\":2000014000,\"requests\":2,\"input_tok"
      + "ens\":2000000,\"output_tokens\":7,\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"cache_hits\":0,\"cach"
      + "e_savings_nano_usd\":0,\"unknown_model_requests\":0,\"error_requests\":0,\"version\":2,\"session_name\":\""
      + "support\",\"session_paths\":[{\"session_path\":\"/refund\",\"cost_nano_usd\":1000000000,\"requests\":1},{\"s"
      + "ession_path\":\"/triage\",\"cost_nano_usd\":1000014000,\"requests\":1}],\"window\":\"1h\",\"window_start\":\"2"
      + "026-06-01T10:00:00Z\",\"window_end\":\"2026-06-01T11:00:00Z\"}";
  private static final String SESSION_AVRO =
      "0e73657373696f6e0204733104316828323032362d30362d30315431303a30303a30305a28323032362d30362d303154"
      + "31313a30303a30305ae0aaaef30e048092f4010e00000000000004020e737570706f727402040e2f726566756e6480a8"
      + "d6b907020e2f747269616765e082d8b9070200";
  private static final String MODEL_KEY =
      "model/openai/gpt-test/1d/2026-06-01T00:00:00Z";
  private static final String MODEL_JSON =
      "{\"dimension\":\"model\",\"dimension_value\":\"openai/gpt-test\",\"cost_nano_usd\":2000014000,\"requests\":2"
      + ",\"input_tokens\":2000000,\"output_tokens\":7,\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"cache_hi"
      + "ts\":0,\"cache_savings_nano_usd\":0,\"unknown_model_requests\":0,\"error_requests\":0,\"version\":2,\"wind"
      + "ow\":\"1d\",\"window_start\":\"2026-06-01T00:00:00Z\",\"window_end\":\"2026-06-02T00:00:00Z\"}";
  private static final String MODEL_AVRO =
      "0a6d6f64656c021e6f70656e61692f6770742d7465737404316428323032362d30362d30315430303a30303a30305a28"
      + "323032362d30362d30325430303a30303a30305ae0aaaef30e048092f4010e000000000000040000";
  private static final List<String> ALERTS_JSON = List.of(
      "{\"rule_id\":\"prod-daily\",\"rule_name\":\"Production daily\",\"metric\":\"cost\",\"level_pct\":50,\"budget\":2"
          + ".000000000,\"spent\":1.000014000,\"window_start\":\"2026-06-01T00:00:00Z\",\"window_end\":\"2026-06-02T00"
          + ":00:00Z\",\"crossed_at\":\"2026-06-01T10:05:00Z\",\"last_request_id\":\"r1\",\"channels\":[\"ops-slack\",{\"ty"
          + "pe\":\"webhook\",\"url\":\"https://hooks.example/x\"}]}",
      "{\"rule_id\":\"prod-daily\",\"rule_name\":\"Production daily\",\"metric\":\"cost\",\"level_pct\":100,\"budget\":"
          + "2.000000000,\"spent\":2.000014000,\"window_start\":\"2026-06-01T00:00:00Z\",\"window_end\":\"2026-06-02T0"
          + "0:00:00Z\",\"crossed_at\":\"2026-06-01T10:25:00Z\",\"last_request_id\":\"r3\",\"channels\":[\"ops-slack\",{\"t"
          + "ype\":\"webhook\",\"url\":\"https://hooks.example/x\"}]}",
      "{\"rule_id\":\"alice-calls\",\"rule_name\":\"alice-calls\",\"metric\":\"requests\",\"level_pct\":100,\"budget\":"
          + "2,\"spent\":2,\"window_start\":\"2026-06-01T10:00:00Z\",\"window_end\":\"2026-06-01T11:00:00Z\",\"crossed_a"
          + "t\":\"2026-06-01T10:25:00Z\",\"last_request_id\":\"r3\"}");
  /** Each ends with the null branches of partial_since, per and per_value (00 00 00): fields added with defaults. */
  private static final List<String> ALERTS_AVRO = List.of(
      "1470726f642d6461696c79022050726f64756374696f6e206461696c7908636f737464023210312e3030303031342832"
          + "3032362d30362d30315430303a30303a30305a28323032362d30362d30325430303a30303a30305a28323032362d3036"
          + "2d30315431303a30353a30305a020472310280015b226f70732d736c61636b222c7b2274797065223a22776562686f6f"
          + "6b222c2275726c223a2268747470733a2f2f686f6f6b732e6578616d706c652f78227d5d000000",
      "1470726f642d6461696c79022050726f64756374696f6e206461696c7908636f7374c801023210322e30303030313428"
          + "323032362d30362d30315430303a30303a30305a28323032362d30362d30325430303a30303a30305a28323032362d30"
          + "362d30315431303a32353a30305a020472330280015b226f70732d736c61636b222c7b2274797065223a22776562686f"
          + "6f6b222c2275726c223a2268747470733a2f2f686f6f6b732e6578616d706c652f78227d5d000000",
      "16616c6963652d63616c6c730216616c6963652d63616c6c73107265717565737473c8010232023228323032362d3036"
          + "2d30315431303a30303a30305a28323032362d30362d30315431313a30303a30305a28323032362d30362d3031543130"
          + "3a32353a30305a0204723300000000");

  @Test
  void jsonOutputIsByteForByteTheGoldenText() {
    try (TopologyFixture f = run(new TopologyFixture())) {
      Map<String, String> aggregates = latest(f.driver.createOutputTopic(f.config.aggregatesTopic(),
          new StringDeserializer(), new StringDeserializer()).readRecordsToList());
      assertThat(aggregates.get(SESSION_KEY)).isEqualTo(SESSION_JSON);
      assertThat(aggregates.get(MODEL_KEY)).isEqualTo(MODEL_JSON);
      assertThat(f.alerts.readValuesToList()).containsExactlyInAnyOrderElementsOf(ALERTS_JSON);
    }
  }

  @Test
  void avroOutputIsByteForByteTheGoldenRecordsUnderTheRegisteredSchemas() {
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    Properties avro = new Properties();
    avro.setProperty("costpipe.serde.format", "avro");
    avro.setProperty("schema.registry.url", registry.url());
    try (TopologyFixture f = run(new TopologyFixture(avro))) {
      SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs()));
      var aggregates = f.driver.createOutputTopic(f.config.aggregatesTopic(), new StringDeserializer(),
          new ByteArrayDeserializer()).readRecordsToList();
      int aggregateSchema = schemaId(client, f.config.aggregatesTopic(), CostAggregate.getClassSchema());
      Map<String, String> latest = new LinkedHashMap<>();
      for (TestRecord<String, byte[]> r : aggregates) {
        latest.put(r.key(), body(r.value(), aggregateSchema));
      }
      int alertSchema = schemaId(client, f.config.alertsTopic(), AlertEvent.getClassSchema());
      List<String> alerts = f.driver.createOutputTopic(f.config.alertsTopic(), new StringDeserializer(),
          new ByteArrayDeserializer()).readValuesToList().stream()
          .map(v -> body(v, alertSchema)).toList();
      assertThat(latest.get(SESSION_KEY)).isEqualTo(SESSION_AVRO);
      assertThat(latest.get(MODEL_KEY)).isEqualTo(MODEL_AVRO);
      assertThat(alerts).containsExactlyInAnyOrderElementsOf(ALERTS_AVRO);
    }
  }

  private static int schemaId(SchemaRegistryClient client, String topic, Schema schema) {
    return client.lookup(topic + "-value", schema);
  }

  /** The Avro body in hex, after checking the Confluent header: magic byte 0 and the subject's schema id. */
  private static String body(byte[] value, int schemaId) {
    ByteBuffer b = ByteBuffer.wrap(value);
    assertThat(b.get()).as("magic byte").isZero();
    assertThat(b.getInt()).as("schema id").isEqualTo(schemaId);
    byte[] body = new byte[b.remaining()];
    b.get(body);
    return HexFormat.of().formatHex(body);
  }

  private static Map<String, String> latest(List<TestRecord<String, String>> records) {
    Map<String, String> latest = new LinkedHashMap<>();
    records.forEach(r -> latest.put(r.key(), r.value()));
    return latest;
  }

  /**
   * Two priced requests in one session, one of an unknown model, a cost rule whose budget has no fraction and whose
   * spend has nine decimals, and a requests rule without channels. The last request crosses a level of both rules:
   * their two alerts come out in either order (the rules in force are a map), as on two partitions.
   */
  private static TopologyFixture run(TopologyFixture f) {
    f.publishPrice(new PricingEntry("openai/gpt-test", "test", List.of(new Endpoint("openai", null,
        List.of("gpt-test"), "https://example.com", "2026-06-01", List.of(new PricePeriod(
            Instant.parse("2026-01-01T00:00:00Z"), new Rates(new BigDecimal("0.000001"), new BigDecimal("0.000002"),
                null, null, null, null, null, null, null, null, null), List.of()))))));
    f.rules.pipeInput("prod-daily", "{\"id\":\"prod-daily\",\"name\":\"Production daily\",\"budget_usd\":2,"
        + "\"window\":\"1d\",\"levels\":[50,100],\"filter\":{\"properties\":{\"Environment\":\"production\"}},"
        + "\"channels\":[\"ops-slack\",{\"type\":\"webhook\",\"url\":\"https://hooks.example/x\"}]}");
    f.rules.pipeInput("alice-calls", "{\"id\":\"alice-calls\",\"metric\":\"requests\",\"budget_count\":2,"
        + "\"window\":\"1h\",\"levels\":[100],\"filter\":{\"user_id\":\"alice\"}}");
    f.send(Events.openAi("r1", "2026-06-01T10:05:00Z", "gpt-test", 1_000_000, 7, SUPPORT));
    f.send(Events.openAi("r2", "2026-06-01T10:15:00Z", "gpt-unknown", 10, 10, Map.of("Helicone-User-Id", "bob")));
    Map<String, String> refund = new java.util.HashMap<>(SUPPORT);
    refund.put("Helicone-Session-Path", "/refund");
    f.send(Events.openAi("r3", "2026-06-01T10:25:00Z", "gpt-test", 1_000_000, 0, refund));
    return f;
  }
}
