package dev.costpipe.topology.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.alert.AlertWindowState;
import dev.costpipe.topology.serde.CostpipeSerdes;
import dev.costpipe.topology.steps.AlertThresholdStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget query finds a rule's window where the threshold step keeps it: if the step's key ever changes, this
 * fails rather than the endpoints answering zero.
 */
class BudgetQueryKeyTest {
  private static final AlertRule RULE = AlertRule.parse(("{\"id\":\"team-weekly\",\"budget_usd\":5,\"window\":\"7d\"}")
      .getBytes(StandardCharsets.UTF_8));

  @TempDir
  Path stateDir;

  /** The threshold step alone, reading contributions from "spend", with one rule. */
  private TopologyTestDriver thresholdStep(AlertRule rule) {
    AlertRulesHolder rules = new AlertRulesHolder();
    rules.put(rule.id(), rule);
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(AlertThresholdStep.store());
    b.addStateStore(AlertThresholdStep.versionsStore());
    b.stream("spend", Consumed.with(Serdes.String(), CostpipeSerdes.alertContribution()))
        .process(() -> new AlertThresholdStep(rules, java.util.List.of(), new PipelineCounters()),
            AlertThresholdStep.STORE, AlertThresholdStep.VERSIONS_STORE);
    return new TopologyTestDriver(b.build(), TopologyFixture.driverSettings(stateDir));
  }

  @Test
  void theWindowKeyIsTheOneTheThresholdStepWrites() {
    try (TopologyTestDriver driver = thresholdStep(RULE)) {
      var spend = driver.createInputTopic("spend", Serdes.String().serializer(),
          CostpipeSerdes.alertContribution().serializer());
      Instant at = Instant.parse("2026-12-03T10:00:00Z");
      spend.pipeInput(RULE.id(), new AlertContribution(RULE.id(), 3_000_000_000L, "r1", at.toEpochMilli()),
          at.toEpochMilli());
      KeyValueStore<String, AlertWindowState> store = driver.getKeyValueStore(AlertThresholdStep.STORE);
      Instant monday = Instant.parse("2026-11-30T00:00:00Z");
      AlertWindowState state = store.get(BudgetQuery.windowKey(RULE, RULE.window().startOf(at)));
      assertThat(state).isNotNull();
      assertThat(state.windowStartMs()).isEqualTo(monday.toEpochMilli());
      assertThat(state.spent()).isEqualTo(3_000_000_000L);
      assertThat(state.fired()).containsExactly(50);
    }
  }

  @Test
  void aPerRulesWindowKeyNamesItsKey() {
    AlertRule perUser = AlertRule.parse(("{\"id\":\"each-user\",\"budget_usd\":1,\"window\":\"1d\","
        + "\"per\":\"user_id\"}").getBytes(StandardCharsets.UTF_8));
    try (TopologyTestDriver driver = thresholdStep(perUser)) {
      var spend = driver.createInputTopic("spend", Serdes.String().serializer(),
          CostpipeSerdes.alertContribution().serializer());
      Instant at = Instant.parse("2026-12-03T10:00:00Z");
      AlertContribution alice = new AlertContribution(perUser.id(), 600_000_000L, "r1", at.toEpochMilli(), null,
          "alice");
      spend.pipeInput(alice.key(), alice, at.toEpochMilli());
      KeyValueStore<String, AlertWindowState> store = driver.getKeyValueStore(AlertThresholdStep.STORE);
      Instant day = perUser.window().startOf(at);
      assertThat(store.get(BudgetQuery.windowKey(perUser, day, "alice")).spent()).isEqualTo(600_000_000L);
      assertThat(store.get(BudgetQuery.windowKey(perUser, day, "bob"))).isNull();
    }
  }
}
