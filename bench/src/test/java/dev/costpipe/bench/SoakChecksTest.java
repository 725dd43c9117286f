package dev.costpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.bench.SoakChecks.AlertKey;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.topology.alert.AlertRule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SoakChecksTest {
  private static final AlertRule HOURLY_PRODUCTION = rule("{\"id\":\"h\",\"metric\":\"cost\",\"budget_usd\":0.000001,"
      + "\"window\":\"1h\",\"levels\":[50,80,100],\"filter\":{\"properties\":{\"Environment\":\"production\"}}}");
  private static final AlertRule DAILY_REQUESTS = rule("{\"id\":\"d\",\"metric\":\"requests\",\"budget_count\":4,"
      + "\"window\":\"1d\",\"levels\":[50,100]}");

  @Test
  void theLatestRevisionOfARequestIsItsCostWhateverTheOrderRead() {
    Map<String, CostRecord> latest = SoakChecks.latestRevisions(List.of(
        record("a", "2026-12-06T10:00:00Z", 500L, 0, "production"),
        record("a", "2026-12-06T10:00:00Z", 900L, 2, "production"),
        record("a", "2026-12-06T10:00:00Z", 700L, 1, "production"),
        record("b", "2026-12-06T10:00:00Z", null, 0, "production")));

    assertThat(SoakChecks.costs(latest)).isEqualTo(Map.of("a", 900L, "b", 0L));
  }

  @Test
  void equalCostsPassAndEveryKindOfDifferenceIsNamedWithItsRequestIds() {
    SoakChecks same = new SoakChecks();
    same.sameCosts("topic", Map.of("a", 1L, "b", 2L), "offline", Map.of("a", 1L, "b", 2L));
    assertThat(same.passed()).isTrue();

    SoakChecks checks = new SoakChecks();
    checks.sameCosts("topic", Map.of("a", 1L, "b", 3L, "x", 0L), "offline", Map.of("a", 1L, "b", 2L, "c", 5L));
    assertThat(checks.failures()).containsExactly(
        "topic: total 4 nano-USD, offline: 8 (difference -4)",
        "topic: 1 requests of offline missing: c",
        "topic: 1 requests not in offline: x",
        "topic: 1 requests priced differently from offline: b (3 instead of 2)");
  }

  @Test
  void aDifferenceThatKeepsTheTotalIsStillFound() {
    SoakChecks checks = new SoakChecks();
    checks.sameCosts("ClickHouse", Map.of("a", 2L, "b", 1L), "offline", Map.of("a", 1L, "b", 2L));
    assertThat(checks.failures()).singleElement().asString().contains("priced differently").contains("a (2 instead of 1)");
  }

  @Test
  void aDuplicateRowInClickHouseFails() {
    SoakChecks checks = new SoakChecks();
    checks.oneRowPerRequest(3, 3);
    assertThat(checks.passed()).isTrue();
    checks.oneRowPerRequest(4, 3);
    assertThat(checks.failures()).containsExactly("ClickHouse: 4 rows in request_costs FINAL for 3 requests");
  }

  @Test
  void expectedAlertsAreTheLevelsEachWindowsFinalSpendReachesUnderTheRulesFilter() {
    List<CostRecord> records = List.of(
        // hour 10: 800 nano-USD of production (80% of the 1,000 budget), plus staging that does not count
        record("a", "2026-12-06T10:05:00Z", 500L, 0, "production"),
        record("b", "2026-12-06T10:59:59Z", 300L, 0, "production"),
        record("c", "2026-12-06T10:30:00Z", 5_000L, 0, "staging"),
        // hour 11: exactly the budget
        record("d", "2026-12-06T11:00:00Z", 1_000L, 0, "production"),
        // the next day: one request of four
        record("e", "2026-12-07T00:00:00Z", 1L, 0, "staging"));

    Set<AlertKey> expected = SoakChecks.expectedAlerts(List.of(HOURLY_PRODUCTION, DAILY_REQUESTS), records);

    assertThat(expected).containsExactlyInAnyOrder(
        new AlertKey("h", "2026-12-06T10:00:00Z", 50), new AlertKey("h", "2026-12-06T10:00:00Z", 80),
        new AlertKey("h", "2026-12-06T11:00:00Z", 50), new AlertKey("h", "2026-12-06T11:00:00Z", 80),
        new AlertKey("h", "2026-12-06T11:00:00Z", 100),
        new AlertKey("d", "2026-12-06T00:00:00Z", 50), new AlertKey("d", "2026-12-06T00:00:00Z", 100));
  }

  @Test
  void eachAlertMustComeExactlyOnceAndNothingElse() {
    AlertKey fifty = new AlertKey("h", "2026-12-06T10:00:00Z", 50);
    AlertKey eighty = new AlertKey("h", "2026-12-06T10:00:00Z", 80);
    AlertKey hundred = new AlertKey("h", "2026-12-06T10:00:00Z", 100);
    SoakChecks once = new SoakChecks();
    once.eachAlertOnce("receiver", List.of(eighty, fifty), Set.of(fifty, eighty));
    assertThat(once.passed()).isTrue();

    SoakChecks checks = new SoakChecks();
    checks.eachAlertOnce("receiver", List.of(fifty, fifty, hundred), Set.of(fifty, eighty));
    assertThat(checks.failures()).containsExactly(
        "receiver: alerts repeated: " + fifty + " × 2",
        "receiver: alerts missing: " + eighty,
        "receiver: alerts that the costs do not reach: " + hundred);
  }

  @Test
  void everyMalformedEventMustBeDeadLetteredOnce() {
    SoakChecks checks = new SoakChecks();
    checks.everyBadEventDeadLettered(12, 12);
    assertThat(checks.passed()).isTrue();
    checks.everyBadEventDeadLettered(11, 12);
    assertThat(checks.failures()).containsExactly("dead-letter topic: 11 records for 12 malformed events sent");
  }

  private static AlertRule rule(String json) {
    return AlertRule.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static CostRecord record(String id, String at, Long costNanoUsd, int revision, String environment) {
    return CostRecordJson.read("{\"request_id\":\"" + id + "\",\"timestamp\":\"" + at + "\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"properties\":{\"Environment\":\"" + environment + "\"},\"usage_source\":\"provider\","
        + "\"pricing_status\":\"" + (costNanoUsd == null ? "unknown_model" : "priced") + "\",\"cost_nano_usd\":"
        + costNanoUsd + ",\"revision\":" + revision + "}");
  }
}
