package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.WAIT;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.contracts.avro.registry.RegistryOutage;
import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import dev.costpipe.topology.app.CostpipeApplication;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's registry outage for the topology ({@code costpipe.serde.format=avro}): the application started
 * while the schema registry is hung (nothing cached, so its serializer must ask), traffic produced, the registry
 * back after 30 s → every request priced exactly once, and the stream thread replaced at most once (a waiting
 * serializer may outlive its transaction once; a failing one would be replaced again and again).
 */
class RegistryOutageIntegrationTest {
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void anApplicationStartedWhileTheRegistryIsDownPricesEveryRequestOnceItIsBack() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    Properties settings = settings(broker.bootstrapServers(),
        "it-registry-outage-" + UUID.randomUUID().toString().substring(0, 8));
    settings.setProperty("costpipe.serde.format", "avro");
    settings.setProperty("schema.registry.url", registry.url());
    MixedTraffic traffic = new MixedTraffic(60, 12);
    registry.pause();
    boolean paused = true;
    try (CostpipeApplication app = new CostpipeApplication(settings)) {
      app.start();
      long down = System.nanoTime();
      produce(settings, traffic.records);
      Await.until("the serializer waiting for the registry", WAIT, () -> RegistryOutage.since().isPresent());
      Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - down) / 1_000_000));
      registry.resume();
      paused = false;

      List<ConsumerRecord<String, String>> costs = TopicReader.readUntil(broker.bootstrapServers(),
          settings.getProperty("costpipe.topic.costs"), got -> got.size() >= traffic.expected.size(), WAIT);
      assertThat(costs.stream().map(ConsumerRecord::key).toList()).as("one cost record per request")
          .containsExactlyInAnyOrderElementsOf(traffic.expected.keySet());
      Await.until("the outage over", WAIT, () -> RegistryOutage.since().isEmpty());
      for (ThreadMetadata thread : app.streams().metadataForLocalThreads()) {
        String name = thread.threadName();
        int index = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
        assertThat(index).as("stream thread " + name + ": replaced at most once").isLessThanOrEqualTo(2);
      }
    } finally {
      if (paused) {
        registry.resume();
      }
    }
  }
}
