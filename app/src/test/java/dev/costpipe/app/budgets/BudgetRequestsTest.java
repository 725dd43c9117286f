package dev.costpipe.app.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.topology.aggregate.Dimension;
import dev.costpipe.topology.alert.AlertRule;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** Parsing the check's body and the totals' query, without servers: what is refused and what a call matches. */
class BudgetRequestsTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:34:56Z");

  @Test
  void aCheckDescribesTheCallInTheRulesTermsAndMatchesAsAPricedRequestWould() {
    CheckRequest r = check("{\"user_id\":\"alice\",\"model\":\"gpt-4o\",\"properties\":{\"team\":\"search\"},"
        + "\"estimated_cost_usd\":\"0.0125\"}");
    assertThat(r.estimatedNanoUsd()).isEqualTo(12_500_000L);
    AlertRule teamRule = BudgetDecisionTest.rule("{\"id\":\"t\",\"budget_usd\":1,\"filter\":{\"properties\":"
        + "{\"team\":\"search\"}}}");
    AlertRule aliceOnGpt4o = BudgetDecisionTest.rule("{\"id\":\"a\",\"budget_usd\":1,\"filter\":{\"user_id\":"
        + "\"alice\",\"model\":\"gpt-4o\"}}");
    AlertRule bob = BudgetDecisionTest.rule("{\"id\":\"b\",\"budget_usd\":1,\"filter\":{\"user_id\":\"bob\"}}");
    AlertRule everything = BudgetDecisionTest.rule("{\"id\":\"all\",\"budget_usd\":1}");
    assertThat(teamRule.matches(r.asCall())).isTrue();
    assertThat(aliceOnGpt4o.matches(r.asCall())).isTrue();
    assertThat(bob.matches(r.asCall())).isFalse();
    assertThat(everything.matches(r.asCall())).isTrue();
  }

  @Test
  void aDimensionAndKeyAreShorthandForOneAttribute() {
    assertThat(check("{\"dimension\":\"user\",\"key\":\"alice\",\"estimated_cost_usd\":0.5}"))
        .isEqualTo(new CheckRequest("alice", null, null, null, Map.of(), 500_000_000L));
    assertThat(check("{\"dimension\":\"property\",\"key\":\"team=search\"}").properties())
        .containsEntry("team", "search");
    assertThat(check("{\"dimension\":\"user\",\"key\":\"alice\"}").estimatedNanoUsd()).isZero();
  }

  @Test
  void aCheckThatCouldAllowTooMuchIsRefused() {
    assertRefused("{\"userid\":\"alice\"}", "unknown field userid");
    assertRefused("{\"user_id\":\"alice\",\"estimated_cost_usd\":\"-1\"}", "must not be negative");
    assertRefused("{\"user_id\":\"alice\",\"estimated_cost_usd\":\"ten\"}", "decimal number of USD");
    assertRefused("{\"dimension\":\"user\",\"key\":\"bob\",\"user_id\":\"alice\"}", "user_id is 'alice'");
    assertRefused("{\"dimension\":\"session\",\"key\":\"s1\"}", "dimension must be");
    assertRefused("{\"dimension\":\"property\",\"key\":\"team\"}", "name=value");
    assertRefused("{\"dimension\":\"user\"}", "go together");
    assertRefused("{\"user_id\":{\"id\":1}}", "must be a string");
    assertRefused("[1]", "JSON object");
    assertRefused("{", "not JSON");
  }

  @Test
  void totalsAreAskedByDimensionKeyWindowAndInstant() {
    assertThat(TotalsRequest.parse(QueryParams.parse("dimension=property&key=team%3Dsearch&window=1h"
        + "&at=2026-12-01T10:15:00Z"), NOW))
        .isEqualTo(new TotalsRequest(Dimension.PROPERTY, "team=search", "1h", Instant.parse("2026-12-01T10:15:00Z")));
    assertThat(TotalsRequest.parse(QueryParams.parse("dimension=total&window=1d"), NOW))
        .isEqualTo(new TotalsRequest(Dimension.TOTAL, "all", "1d", NOW));
    assertThatThrownBy(() -> TotalsRequest.parse(QueryParams.parse("dimension=team&key=x&window=1d"), NOW))
        .hasMessageContaining("dimension must be one of user, session");
    assertThatThrownBy(() -> TotalsRequest.parse(QueryParams.parse("dimension=user&window=1d"), NOW))
        .hasMessage("parameter key is required");
    assertThatThrownBy(() -> TotalsRequest.parse(QueryParams.parse("dimension=user&key=a&window=1d&at=today"), NOW))
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> TotalsRequest.parse(QueryParams.parse("dimension=user&key=a&window=1d&user=b"), NOW))
        .hasMessageContaining("unknown parameter user");
    assertThatThrownBy(() -> QueryParams.parse("key=a&key=b")).hasMessage("parameter key given twice");
  }

  @Test
  void otherInstancesAreToldTheBindAddressOrThisHostsWhenListeningEverywhere() {
    assertThat(QueryEndpoints.advertisedAddress(new HttpSettings("127.0.0.1", null), 9464))
        .isEqualTo(new HostInfo("127.0.0.1", 9464));
    HostInfo everywhere = QueryEndpoints.advertisedAddress(new HttpSettings("0.0.0.0", null), 9464);
    assertThat(everywhere.host()).isNotEqualTo("0.0.0.0");
    assertThat(everywhere.port()).isEqualTo(9464);
  }

  private static CheckRequest check(String json) {
    return CheckRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRefused(String json, String why) {
    assertThatThrownBy(() -> check(json)).as(json).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }
}
