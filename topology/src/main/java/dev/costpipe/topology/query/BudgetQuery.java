package dev.costpipe.topology.query;

import dev.costpipe.topology.CostpipeTopology;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.alert.AlertWindowState;
import dev.costpipe.topology.steps.AlertThresholdStep;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A budget rule and its spend in one window: the rule from those in force ({@link AlertRulesHolder}, the global
 * store over {@code llm.alert-rules} as the topology keeps it parsed, on every instance), the spend and the levels
 * crossed from the {@code alert-windows} store ({@link AlertThresholdStep#STORE}), partitioned by rule id.
 */
public final class BudgetQuery {
  private final StoreAccess access;
  private final AlertRulesHolder rules;

  /** @param rules the holder the running topology's global store keeps in step ({@code CostpipeApplication}'s) */
  public BudgetQuery(StoreAccess access, AlertRulesHolder rules) {
    this.access = access;
    this.rules = rules;
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
    return Optional.ofNullable(inForce().get(id));
  }

  /** Every rule in force, in the order of their ids in the global store. */
  public Collection<AlertRule> all() {
    return inForce().values();
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

  /**
   * The rules in force, once the global store they mirror can be read: while it cannot (starting, restoring, not
   * RUNNING) this is a {@link StoreUnavailable}, never the holder's empty map. The holder is filled from the
   * restored store before the instance can be RUNNING, and changes before the store on every record
   * ({@code GlobalTableMirror}), so it is never behind the store.
   */
  private Map<String, AlertRule> inForce() {
    return access.global(CostpipeTopology.ALERT_RULES_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore(),
        store -> rules.snapshot());
  }
}
