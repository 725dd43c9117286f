package dev.costpipe.topology.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRule.Metric;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.alert.FiredAlert;
import dev.costpipe.topology.serde.CostpipeSerdes;
import dev.costpipe.topology.serde.OutputFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The threshold step alone: rule spend contributions in, typed alerts out. */
class AlertThresholdStepTest {
  private static final AlertRule RULE = AlertRule.parse(("{\"id\":\"prod-daily\",\"name\":\"Production daily\","
      + "\"budget_usd\":2,\"window\":\"1d\",\"levels\":[50,100],\"channels\":[\"ops-slack\"]}")
      .getBytes(StandardCharsets.UTF_8));

  @TempDir
  Path stateDir;

  @Test
  void firesEachLevelOncePerWindowWithTheSpendThatReachedIt() {
    AlertRulesHolder rules = new AlertRulesHolder();
    rules.put(RULE.id(), RULE);
    OutputFormat json = OutputFormat.from(new Properties());
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(AlertThresholdStep.store());
    b.addStateStore(AlertThresholdStep.versionsStore());
    b.stream("spend", Consumed.with(Serdes.String(), CostpipeSerdes.alertContribution()))
        .process(() -> new AlertThresholdStep(rules, List.of(), new PipelineCounters()), AlertThresholdStep.STORE,
            AlertThresholdStep.VERSIONS_STORE)
        .to("alerts", Produced.with(Serdes.String(), json.firedAlerts()));
    try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), TopologyFixture.driverSettings(stateDir))) {
      TestInputTopic<String, AlertContribution> spend = driver.createInputTopic("spend", Serdes.String().serializer(),
          CostpipeSerdes.alertContribution().serializer());
      TestOutputTopic<String, FiredAlert> alerts = driver.createOutputTopic("alerts",
          Serdes.String().deserializer(), json.firedAlerts().deserializer());

      send(spend, RULE.id(), 600_000_000L, "r1", "2026-06-01T10:00:00Z");
      send(spend, RULE.id(), 400_000_001L, "r2", "2026-06-01T11:00:00Z");
      send(spend, RULE.id(), 1_500_000_000L, "r3", "2026-06-01T12:00:00Z");
      send(spend, RULE.id(), 900_000_000L, "r4", "2026-06-01T13:00:00Z");
      send(spend, "rule-not-in-force", 9_000_000_000L, "r5", "2026-06-01T13:00:00Z");
      send(spend, RULE.id(), 1_000_000_000L, "r6", "2026-06-02T00:00:00Z");

      assertThat(alerts.readValuesToList()).containsExactly(
          fired(50, 1_000_000_001L, "2026-06-01", "2026-06-01T11:00:00Z", "r2"),
          fired(100, 2_500_000_001L, "2026-06-01", "2026-06-01T12:00:00Z", "r3"),
          fired(50, 1_000_000_000L, "2026-06-02", "2026-06-02T00:00:00Z", "r6"));
    }
  }

  @Test
  void aContributionToAWindowNoLongerKeptIsCountedAndFiresNothingAgain() {
    AlertRulesHolder rules = new AlertRulesHolder();
    rules.put(RULE.id(), RULE);
    PipelineCounters counters = new PipelineCounters();
    OutputFormat json = OutputFormat.from(new Properties());
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(AlertThresholdStep.store());
    b.addStateStore(AlertThresholdStep.versionsStore());
    b.stream("spend", Consumed.with(Serdes.String(), CostpipeSerdes.alertContribution()))
        .process(() -> new AlertThresholdStep(rules, List.of(), counters), AlertThresholdStep.STORE,
            AlertThresholdStep.VERSIONS_STORE)
        .to("alerts", Produced.with(Serdes.String(), json.firedAlerts()));
    try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), TopologyFixture.driverSettings(stateDir))) {
      TestInputTopic<String, AlertContribution> spend = driver.createInputTopic("spend", Serdes.String().serializer(),
          CostpipeSerdes.alertContribution().serializer());
      TestOutputTopic<String, FiredAlert> alerts = driver.createOutputTopic("alerts",
          Serdes.String().deserializer(), json.firedAlerts().deserializer());

      send(spend, RULE.id(), 1_000_000_000L, "r1", "2026-06-01T10:00:00Z");
      // two days later the 06-01 window (ended 06-02 00:00) is a day past its end: no longer kept
      send(spend, RULE.id(), 100_000_000L, "r2", "2026-06-03T00:00:01Z");
      send(spend, RULE.id(), 2_000_000_000L, "r3", "2026-06-01T23:00:00Z");

      assertThat(alerts.readValuesToList()).containsExactly(
          fired(50, 1_000_000_000L, "2026-06-01", "2026-06-01T10:00:00Z", "r1"));
      assertThat(counters.get("late_contributions_dropped.alert-windows")).isEqualTo(1);
    }
  }

  @Test
  void aRevisionCostingLessLowersTheSpendButNeverUnfiresALevel() {
    AlertRulesHolder rules = new AlertRulesHolder();
    rules.put(RULE.id(), RULE);
    OutputFormat json = OutputFormat.from(new Properties());
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(AlertThresholdStep.store());
    b.addStateStore(AlertThresholdStep.versionsStore());
    b.stream("spend", Consumed.with(Serdes.String(), CostpipeSerdes.alertContribution()))
        .process(() -> new AlertThresholdStep(rules, List.of(), new PipelineCounters()), AlertThresholdStep.STORE,
            AlertThresholdStep.VERSIONS_STORE)
        .to("alerts", Produced.with(Serdes.String(), json.firedAlerts()));
    try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), TopologyFixture.driverSettings(stateDir))) {
      TestInputTopic<String, AlertContribution> spend = driver.createInputTopic("spend", Serdes.String().serializer(),
          CostpipeSerdes.alertContribution().serializer());
      TestOutputTopic<String, FiredAlert> alerts = driver.createOutputTopic("alerts",
          Serdes.String().deserializer(), json.firedAlerts().deserializer());

      send(spend, RULE.id(), 1_200_000_000L, "r1", "2026-06-01T10:00:00Z");
      send(spend, RULE.id(), -500_000_000L, "r1", "2026-06-01T10:00:00Z"); // r1's revision 1 costs less
      send(spend, RULE.id(), 400_000_000L, "r2", "2026-06-01T11:00:00Z");
      send(spend, RULE.id(), 1_300_000_000L, "r3", "2026-06-01T12:00:00Z");

      assertThat(alerts.readValuesToList()).containsExactly(
          fired(50, 1_200_000_000L, "2026-06-01", "2026-06-01T10:00:00Z", "r1"),
          fired(100, 2_400_000_000L, "2026-06-01", "2026-06-01T12:00:00Z", "r3"));
    }
  }

  /** A request's spend on a rule, at the request's time, which is also the record's (as the match step sends it). */
  private static void send(TestInputTopic<String, AlertContribution> spend, String ruleId, long nanoUsd,
      String requestId, String at) {
    Instant t = Instant.parse(at);
    spend.pipeInput(ruleId, new AlertContribution(ruleId, nanoUsd, requestId, t.toEpochMilli()), t);
  }

  private static FiredAlert fired(int level, long spent, String day, String crossedAt, String requestId) {
    Instant start = Instant.parse(day + "T00:00:00Z");
    return new FiredAlert("prod-daily", "Production daily", Metric.COST, level, 2_000_000_000L, spent, start,
        start.plusSeconds(86_400), Instant.parse(crossedAt), requestId, RULE.json().get("channels"), null, null,
        null);
  }
}
