package dev.costpipe.topology.query;

import dev.costpipe.topology.CostpipeTopology;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertWindowState;
import dev.costpipe.topology.steps.AlertThresholdStep;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A budget rule and its spend in one window: the rule from the global store over {@code llm.alert-rules}
 * ({@link CostpipeTopology#ALERT_RULES_STORE}, on every instance), the spend and the levels crossed from the
 * {@code alert-windows} store ({@link AlertThresholdStep#STORE}), partitioned by rule id. Rules are parsed once per
 * value stored ({@link ParsedRules}), not on every call.
 */
public final class BudgetQuery {
  private final StoreAccess access;
  private final ParsedRules parsed = new ParsedRules();

  public BudgetQuery(StoreAccess access) {
    this.access = access;
  }

  /** A rule's window holding some instant: its spend so far and the levels it crossed, in the rule's unit. */
  public record BudgetWindow(AlertRule rule, Instant start, Instant end, long spent, List<Integer> levelsCrossed) {
    public BudgetWindow {
      levelsCrossed = List.copyOf(levelsCrossed);
    }

    /** What is left of the budget, never below zero. */
    public long remaining() {
      return Math.max(0, rule.budget() - spent);
    }
  }

  /** The rule in force with this id; empty when there is none (or its value is unreadable, as the topology skips it). */
  public Optional<AlertRule> rule(String id) {
    return parsed.rule(id, rules(store -> store.get(id)));
  }

  /** Every rule in force. */
  public List<AlertRule> all() {
    return rules(store -> {
      try (KeyValueIterator<String, byte[]> it = store.all()) {
        return parsed.all(it);
      }
    });
  }

  public KeyOwner owner(String ruleId) {
    return owner(ruleId, null);
  }

  /** The owner of a rule's windows for one key of its {@code per} (null: a rule without {@code per}). */
  public KeyOwner owner(String ruleId, String perValue) {
    return access.owner(AlertThresholdStep.STORE, perValue == null ? ruleId : ruleId + '\u001f' + perValue);
  }

  /** {@code rule}'s window holding {@code at}, from this instance's active store of {@code partition}. */
  public BudgetWindow local(AlertRule rule, Instant at, int partition) {
    return local(rule, null, at, partition);
  }

  /** As {@link #local(AlertRule, Instant, int)}, for one key of the rule's {@code per} (null: none). */
  public BudgetWindow local(AlertRule rule, String perValue, Instant at, int partition) {
    Instant start = rule.window().startOf(at);
    AlertWindowState state = access.local(AlertThresholdStep.STORE,
        QueryableStoreTypes.<String, AlertWindowState>keyValueStore(), partition,
        (ReadOnlyKeyValueStore<String, AlertWindowState> windows) -> windows.get(windowKey(rule, start, perValue)));
    return new BudgetWindow(rule, start, start.plus(rule.window().length()), state == null ? 0 : state.spent(),
        state == null ? List.of() : state.fired());
  }

  /** The key of a rule's window in {@code alert-windows}, as {@link AlertThresholdStep} writes it. */
  static String windowKey(AlertRule rule, Instant start) {
    return windowKey(rule, start, null);
  }

  static String windowKey(AlertRule rule, Instant start, String perValue) {
    return rule.id() + '\u001f' + rule.window().wire() + '\u001f' + start.toEpochMilli()
        + (perValue == null ? "" : '\u001f' + perValue);
  }

  private <R> R rules(Function<ReadOnlyKeyValueStore<String, byte[]>, R> read) {
    return access.global(CostpipeTopology.ALERT_RULES_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore(),
        read);
  }
}
