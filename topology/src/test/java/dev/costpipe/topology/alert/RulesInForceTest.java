package dev.costpipe.topology.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.CostpipeTopology;
import dev.costpipe.topology.TopologyFixture;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules in force as the topology holds them are, after every record of {@code llm.alert-rules}, the global
 * store's readable values parsed, in the store's order: what the budget endpoints read when they read the store.
 */
class RulesInForceTest {
  private final TopologyFixture fixture = new TopologyFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  private static String rule(String id, String budgetUsd) {
    return "{\"id\":\"" + id + "\",\"budget_usd\":" + budgetUsd + ",\"window\":\"1d\",\"filter\":{\"user_id\":\"" + id
        + "\"}}";
  }

  /** Puts (null: deletes) a rule, then compares the holder with the store. */
  private void put(String key, String value) {
    fixture.rules.pipeInput(key, value);
    assertHolderIsTheStoreParsed();
  }

  private void assertHolderIsTheStoreParsed() {
    KeyValueStore<String, byte[]> store = fixture.driver.getKeyValueStore(CostpipeTopology.ALERT_RULES_STORE);
    List<String> ids = new ArrayList<>();
    List<AlertRule> parsed = new ArrayList<>();
    try (var it = store.all()) {
      it.forEachRemaining(kv -> {
        try {
          parsed.add(AlertRule.parse(kv.value));
          ids.add(kv.key);
        } catch (IllegalArgumentException unreadable) {
          // the endpoints skipped it, as the topology does
        }
      });
    }
    assertThat(List.copyOf(fixture.alertRules.snapshot().keySet())).isEqualTo(ids);
    assertThat(List.copyOf(fixture.alertRules.all())).isEqualTo(parsed);
    for (String id : ids) {
      assertThat(fixture.alertRules.get(id)).isEqualTo(AlertRule.parse(store.get(id)));
    }
  }

  @Test
  void putAgainDeletedUnreadableOrMisKeyedTheHolderIsTheStore() {
    for (String id : List.of("zed", "\uD83D\uDE00-daily", "alice", "\uFF21-team", "Bob", "é", "alice-hourly")) {
      put(id, rule(id, "5"));
    }
    put("alice", rule("alice", "0.000000001"));
    assertThat(fixture.alertRules.get("alice").budget()).isEqualTo(1L);
    put("zed", null);
    assertThat(fixture.alertRules.get("zed")).isNull();
    put("Bob", "{\"id\":\"Bob\",\"budget_usd\":-1}");
    assertThat(fixture.alertRules.get("Bob").budget()).as("the previous rule stays").isEqualTo(5_000_000_000L);
    put("carol", "not json");
    assertThat(fixture.alertRules.get("carol")).isNull();
    put("dave", rule("someone-else", "5"));
    assertThat(fixture.alertRules.get("dave")).isNull();
    put("never-put", null);
    assertThat(fixture.alertRules.snapshot()).hasSize(6);
  }
}
