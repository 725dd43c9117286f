package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.assertExactTotals;
import static dev.costpipe.topology.it.PipelineHarness.awaitRawTopic;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static dev.costpipe.topology.it.PipelineHarness.waitForCosts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Faults a production pipeline meets, on a real broker: the broker itself killed and restarted in the
 * middle of the stream, and 10,000 hostile events (10 MB bodies among them) mixed into good traffic
 * with the application held to a 256 MB heap.
 */
class FaultIntegrationTest {

  @Test
  void brokerKilledAndRestartedMidStreamTheTotalsAreStillExact() throws Exception {
    try (KafkaTestBroker broker = KafkaTestBroker.start()) {
      Properties settings = settings(broker.bootstrapServers(), "it-broker-restart");
      MixedTraffic traffic = new MixedTraffic(900, 5);
      Path log = Files.createTempFile("costpipe-it-broker-restart", ".log");
      Process app = startChild(settings, "512m", log);
      try {
        int half = traffic.records.size() / 2;
        putRule(settings, traffic);
        produce(settings, traffic.records.subList(0, half));
        waitForCosts(settings, 20);
        broker.kill();
        Thread.sleep(3000);
        broker.restart();
        produce(settings, traffic.records.subList(half, traffic.records.size()));
        assertExactTotals(settings, traffic);
        assertThat(app.isAlive()).as("the application survived the broker's restart; log " + log).isTrue();
      } catch (Exception | AssertionError e) {
        List<String> lines = Files.readAllLines(broker.logFile());
        System.err.println("broker log, errors and warnings with the line after each:");
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains("ERROR") || lines.get(i).contains("WARN") || lines.get(i).contains("Starting controller")) {
            System.err.println(lines.get(i));
            System.err.println(i + 1 < lines.size() ? lines.get(i + 1) : "");
          }
        }
        throw e;
      } finally {
        app.destroy();
        app.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void tenThousandHostileEventsAreDeadLetteredAndEveryGoodRequestPricedWithinABoundedHeap() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    Properties settings = settings(broker.bootstrapServers(), "it-hostile");
    MixedTraffic traffic = new MixedTraffic(300, 4);
    HostileEvents.addGoodOnes(traffic, 200, 4);
    List<Map.Entry<String, ?>> mixed = new ArrayList<>(traffic.records);
    Random random = new Random(4);
    List<Map.Entry<String, byte[]>> hostile = new ArrayList<>(HostileEvents.of(10_000, 4));
    for (int i = 0; i < 3; i++) {
      hostile.add(Map.entry("big-" + i, HostileEvents.tenMegabyteBody("big-" + i)));
    }
    hostile.add(Map.entry("too-big", HostileEvents.overTheLimit("too-big")));
    for (var h : hostile) {
      mixed.add(random.nextInt(mixed.size() + 1), h);
    }
    traffic.badLines += hostile.size();
    Path log = Files.createTempFile("costpipe-it-hostile", ".log");
    Process app = startChild(settings, "256m", log);
    try {
      awaitRawTopic(settings);
      putRule(settings, traffic);
      produce(settings, mixed);
      assertExactTotals(settings, traffic);
      assertThat(app.isAlive()).as("the application is still running within -Xmx256m; log " + log).isTrue();
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
