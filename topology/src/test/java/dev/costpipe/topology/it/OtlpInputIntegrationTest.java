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

/** `costpipe run` reading the Collector's Kafka exporter topic (otlp_proto) beside the raw events, on a real broker. */
class OtlpInputIntegrationTest {

  @Test
  void spansWrittenAsTheCollectorWritesThemArePricedOncePerCall() throws Exception {
    Properties settings = settings(KafkaTestBroker.shared().bootstrapServers(), "otlp-input");
    String topic = "otlp-input.otlp_spans";
    settings.setProperty("costpipe.input.otlp-topic", topic);
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
        byte[] batch = OtlpInputTopologyTest.spans().toByteArray();
        producer.send(new ProducerRecord<>(topic, key, batch)).get();
        producer.send(new ProducerRecord<>(topic, key, batch)).get();
      }
      var costs = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.costs"), got -> got.size() >= 2, WAIT);
      Thread.sleep(3000);
      costs = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.costs"), got -> false, java.time.Duration.ofSeconds(2));
      assertThat(costs).as("log " + log).extracting(r -> CostRecordJson.read(r.value()).costNanoUsd())
          .containsExactlyInAnyOrder(210_000L, 306_000L);
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
