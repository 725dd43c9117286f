package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.WAIT;
import static dev.costpipe.topology.it.PipelineHarness.awaitRawTopic;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.OtlpInputTopologyTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * `costpipe run` reading the Collector's Kafka exporter topic beside the raw events, on a real broker: records as
 * the exporter writes them in its {@code otlp_proto} and {@code otlp_json} encodings.
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
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
