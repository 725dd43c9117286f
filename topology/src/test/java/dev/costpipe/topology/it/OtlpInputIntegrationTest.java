package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.WAIT;
import static dev.costpipe.topology.it.PipelineHarness.awaitRawTopic;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.OtlpInputTopologyTest;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * `costpipe run` reading the Collector's Kafka exporter topic beside the raw events, on a real broker: records as
 * the exporter writes them in its {@code otlp_proto} and {@code otlp_json} encodings; a call's raw events coming
 * after its span was priced replace its record.
 */
class OtlpInputIntegrationTest {
  /**
   * The spans of {@link OtlpInputTopologyTest#spans()} as the Collector's {@code otlp_json} encoding writes them
   * (pdata's JSON marshaler: camelCase, ids in hex, 64-bit integers as strings).
   */
  private static final String COLLECTOR_JSON = """
      {"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"",
       "name":"chat gpt-4o-mini","kind":1,"startTimeUnixNano":"1780271999000000000",
       "endTimeUnixNano":"1780272000000000000","attributes":[
        {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
        {"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},
        {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
        {"key":"gen_ai.response.id","value":{"stringValue":"chatcmpl-1"}},
        {"key":"gen_ai.usage.input_tokens","value":{"intValue":"1000"}},
        {"key":"gen_ai.usage.output_tokens","value":{"intValue":"100"}}],"status":{}},
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"",
       "name":"chat gpt-4o-mini","kind":1,"startTimeUnixNano":"1780271999000000000",
       "endTimeUnixNano":"1780272000000000000","attributes":[
        {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
        {"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},
        {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
        {"key":"gen_ai.response.id","value":{"stringValue":"chatcmpl-2"}},
        {"key":"gen_ai.usage.input_tokens","value":{"intValue":"2000"}},
        {"key":"gen_ai.usage.output_tokens","value":{"intValue":"10"}}],"status":{}},
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b176","parentSpanId":"",
       "name":"invoke_agent support","kind":1,"startTimeUnixNano":"1780271998000000000",
       "endTimeUnixNano":"1780272000000000000","attributes":[
        {"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}},
        {"key":"gen_ai.usage.input_tokens","value":{"intValue":"3000"}},
        {"key":"gen_ai.usage.output_tokens","value":{"intValue":"110"}}],"status":{}}]}]}]}
      """;

  @Test
  void protobufSpansWrittenAsTheCollectorWritesThemArePricedOncePerCall() throws Exception {
    runWith("otlp_proto", OtlpInputTopologyTest.spans().toByteArray());
  }

  @Test
  void jsonSpansWrittenAsTheCollectorWritesThemArePricedOncePerCall() throws Exception {
    runWith("otlp_json", COLLECTOR_JSON.getBytes(StandardCharsets.UTF_8));
  }

  private static void runWith(String encoding, byte[] batch) throws Exception {
    Properties settings = settings(KafkaTestBroker.shared().bootstrapServers(), "otlp-input-" + encoding);
    String topic = "otlp-input-" + encoding + ".otlp_spans";
    settings.setProperty("costpipe.input.otlp-topic", topic);
    settings.setProperty("costpipe.input.otlp-encoding", encoding);
    Path log = Files.createTempFile("costpipe-it-otlp-input", ".log");
    Process app = startChild(settings, "384m", log);
    try {
      awaitRawTopic(settings);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"));
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        // keyed by trace, as the exporter may; the same batch sent twice (an exporter's retry) counts once
        byte[] key = "5b8efff798038103d269b633813fc60c".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, batch)).get();
        producer.send(new ProducerRecord<>(topic, key, batch)).get();
      }
      var costs = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.costs"), got -> got.size() >= 2, WAIT);
      Thread.sleep(3000);
      costs = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.costs"), got -> false, java.time.Duration.ofSeconds(2));
      // gpt-4o-mini, $0.15 / 1M input and $0.60 / 1M output tokens: 1000 × 150 + 100 × 600 = 210,000 nano-USD;
      // 2000 × 150 + 10 × 600 = 306,000; the agent span sums its children and counts nothing
      assertThat(costs).as("log " + log).extracting(r -> CostRecordJson.read(r.value()).costNanoUsd())
          .containsExactlyInAnyOrder(210_000L, 306_000L);

      // the raw call behind chatcmpl-1 comes after its span was priced: it wins, as revision 1, and comes again
      // with the spans again (re-deliveries: nothing more). gpt-4o-mini: 1200 × 150 + 100 × 600 = 240,000 nano-USD
      String raw = Events.openAi("chatcmpl-1", "2026-06-01T00:00:00Z", "gpt-4o-mini", 1200, 100, Map.of());
      produce(settings, List.of(Map.entry("chatcmpl-1", raw)));
      String bootstrap = settings.getProperty("bootstrap.servers");
      String costsTopic = settings.getProperty("costpipe.topic.costs");
      TopicReader.readUntil(bootstrap, costsTopic, got -> got.size() >= 3, WAIT);
      produce(settings, List.of(Map.entry("chatcmpl-1", raw)));
      try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(topic, null, batch)).get();
      }
      Thread.sleep(3000);
      List<CostRecord> all = TopicReader.readUntil(bootstrap, costsTopic, got -> false, java.time.Duration.ofSeconds(2))
          .stream().map(r -> CostRecordJson.read(r.value())).toList();
      CostRecord fromSpan = all.stream().filter(c -> c.requestId().equals("chatcmpl-1") && c.revision() == 0)
          .findFirst().orElseThrow();
      assertThat(all).as("log " + log).hasSize(3).filteredOn(c -> c.revision() == 1).singleElement().satisfies(c -> {
        assertThat(c.requestId()).isEqualTo("chatcmpl-1");
        assertThat(c.costNanoUsd()).isEqualTo(240_000L);
        assertThat(c.timestamp()).isEqualTo(fromSpan.timestamp());
      });

      // the aggregates hold the latest revisions: 240,000 + 306,000, two requests
      Map<String, JsonNode> windows = new HashMap<>();
      TopicReader.readUntil(bootstrap, TopologyConfig.from(settings).aggregatesTopic(), got -> {
        windows.clear();
        for (var r : got) {
          JsonNode u = TopologyFixture.read(r.value());
          windows.merge(r.key(), u, (a, b) -> b.path("version").asLong() >= a.path("version").asLong() ? b : a);
        }
        return dayTotal(windows, "cost_nano_usd") == 546_000L;
      }, WAIT);
      assertThat(dayTotal(windows, "cost_nano_usd")).isEqualTo(546_000L);
      assertThat(dayTotal(windows, "requests")).isEqualTo(2);
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** A field summed over the latest update of every daily total window. */
  private static long dayTotal(Map<String, JsonNode> windows, String field) {
    return windows.values().stream()
        .filter(u -> u.path("dimension").asText().equals("total") && u.path("window").asText().equals("1d"))
        .mapToLong(u -> u.path(field).asLong()).sum();
  }
}
