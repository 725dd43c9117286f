package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.assertExactTotals;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static dev.costpipe.topology.it.PipelineHarness.waitForCosts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The application against a real Kafka broker (KRaft, started by the test): mixed traffic in, exact
 * totals out on every output topic — also with two instances sharing the work and across crashes of
 * the application's JVM (kill -9).
 */
class CostpipeIntegrationTest {
  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @Test
  void mixedTrafficGivesExactTotalsOnEveryTopic() throws Exception {
    Properties settings = settings(broker.bootstrapServers(), "it-mixed");
    MixedTraffic traffic = new MixedTraffic(600, 1);
    try (CostpipeApplication app = new CostpipeApplication(settings)) {
      app.start();
      putRule(settings, traffic);
      produce(settings, traffic.records);
      assertExactTotals(settings, traffic);
      assertThat(app.counters().get("merge.duplicate_request")).isPositive();
    }
  }

  @Test
  void twoInstancesShareTheWorkAndGiveTheSameTotals() throws Exception {
    Properties settings = settings(broker.bootstrapServers(), "it-two");
    Properties second = new Properties();
    second.putAll(settings);
    second.setProperty("state.dir", Files.createTempDirectory("costpipe-it-two-b").toString());
    MixedTraffic traffic = new MixedTraffic(600, 2);
    try (CostpipeApplication a = new CostpipeApplication(settings);
        CostpipeApplication b = new CostpipeApplication(second)) {
      a.start();
      b.start();
      putRule(settings, traffic);
      produce(settings, traffic.records);
      assertExactTotals(settings, traffic);
    }
  }

  @Test
  void killedTwiceMidStreamAndRestartedTheTotalsAreStillExact() throws Exception {
    Properties settings = settings(broker.bootstrapServers(), "it-crash");
    MixedTraffic traffic = new MixedTraffic(900, 3);
    Path log = Files.createTempFile("costpipe-it-crash", ".log");
    int third = traffic.records.size() / 3;
    Process app = startChild(settings, "512m", log);
    putRule(settings, traffic);
    produce(settings, traffic.records.subList(0, third));
    int seen = waitForCosts(settings, 20);
    app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    produce(settings, traffic.records.subList(third, 2 * third));
    app = startChild(settings, "512m", log);
    waitForCosts(settings, seen + 20);
    app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    produce(settings, traffic.records.subList(2 * third, traffic.records.size()));
    app = startChild(settings, "512m", log);
    try {
      assertExactTotals(settings, traffic);
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
