package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.assertExactTotals;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static dev.costpipe.topology.it.PipelineHarness.waitForCosts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sums the combine step has not sent yet live in its logged store: a {@code kill -9} while they wait loses and
 * doubles nothing. The first run holds every sum (a combine interval of an hour), so that the kill finds them all
 * committed in the store and none on the repartition topic; the run after restores them and sends them.
 */
class CombinerCrashIntegrationTest {
  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @Test
  void sumsWaitingInTheStoreAtAKill9AreSentOnceAfterTheRestart() throws Exception {
    Properties settings = settings(broker.bootstrapServers(), "it-combiner-crash");
    Properties holding = new Properties();
    holding.putAll(settings);
    holding.setProperty("costpipe.aggregate.combine-interval", "1h");
    MixedTraffic traffic = new MixedTraffic(600, 4);
    Path log = Files.createTempFile("costpipe-it-combiner-crash", ".log");
    int half = traffic.records.size() / 2;
    Process app = startChild(holding, "512m", log);
    putRule(settings, traffic);
    produce(settings, traffic.records.subList(0, half));
    waitForCosts(settings, 100);
    String aggregates = TopologyConfig.from(settings).aggregatesTopic();
    assertThat(TopicReader.readUntil(broker.bootstrapServers(), aggregates, got -> !got.isEmpty(),
        Duration.ofSeconds(3))).as("no sum sent yet").isEmpty();
    app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    produce(settings, traffic.records.subList(half, traffic.records.size()));
    app = startChild(settings, "512m", log);
    try {
      assertExactTotals(settings, traffic);
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
