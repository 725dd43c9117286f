package dev.costpipe.topology.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The rules a task has taken into account, kept in its store so that a restart does not take them again: which
 * rules are new, have a new {@link AlertRule#basis}, or were deleted since the task last looked, and since when
 * each counts. The rules in force when a task first ran (an upgrade, or a first start over existing traffic) count
 * since ever: they were counted as before.
 */
public final class RuleChanges {
  /** Written when a task first looks: from then on a rule the store does not hold is new. */
  private static final String FIRST_RUN = "\u0000first-run";

  private final AlertRulesHolder rules;
  private final KeyValueStore<String, RuleVersion> store;
  private final Map<String, AlertRule> atInit;
  private Map<String, AlertRule> seen;

  /** Over the task's {@code store}, when the task is initialised. */
  public RuleChanges(AlertRulesHolder rules, KeyValueStore<String, RuleVersion> store) {
    this.rules = rules;
    this.store = store;
    this.atInit = rules.snapshot();
  }

  /** What changed since the last look, now at {@code nowMs}. */
  public record Changes(List<AlertRule> added, List<String> deleted) {
    public boolean none() {
      return added.isEmpty() && deleted.isEmpty();
    }
  }

  /**
   * The rules new or with a new basis since the last call, recorded as counting since {@code nowMs}, and the ids of
   * rules deleted since, forgotten. Cheap when nothing changed (the holder's map is the same object).
   */
  public Changes look(long nowMs) {
    Map<String, AlertRule> now = rules.snapshot();
    if (now == seen) {
      return new Changes(List.of(), List.of());
    }
    if (store.get(FIRST_RUN) == null) {
      atInit.values().forEach(r -> store.put(r.id(), new RuleVersion(r.basis(), 0)));
      store.put(FIRST_RUN, new RuleVersion("", nowMs));
    }
    List<AlertRule> added = new ArrayList<>();
    for (AlertRule rule : now.values()) {
      RuleVersion known = store.get(rule.id());
      if (known == null || !known.basis().equals(rule.basis())) {
        store.put(rule.id(), new RuleVersion(rule.basis(), nowMs));
        added.add(rule);
      }
    }
    List<String> deleted = new ArrayList<>();
    try (var it = store.all()) {
      it.forEachRemaining(kv -> {
        if (!kv.key.equals(FIRST_RUN) && !now.containsKey(kv.key)) {
          deleted.add(kv.key);
        }
      });
    }
    deleted.forEach(store::delete);
    seen = now;
    return new Changes(added, deleted);
  }

  /** Since when {@code rule}'s current basis counts (epoch ms; 0: since ever). Call {@link #look} first. */
  public long since(AlertRule rule) {
    RuleVersion v = store.get(rule.id());
    return v == null ? 0 : v.sinceMs();
  }
}
