package dev.costpipe.topology.alert;

import dev.costpipe.topology.steps.MirrorTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The alert rules in force, kept in step with {@code llm.alert-rules} by the global store's processor; read by
 * stream threads and by the budget endpoints. Each change swaps in a new immutable map, in the order the global
 * store iterates its keys, so that a budget check lists its rules as it did when it read the store.
 */
public final class AlertRulesHolder implements MirrorTarget<AlertRule> {
  private final AtomicReference<Map<String, AlertRule>> rules = new AtomicReference<>(Map.of());

  public Collection<AlertRule> all() {
    return rules.get().values();
  }

  /** The rules in force now, by id: the same map until the next change, so a step can tell that one happened. */
  public Map<String, AlertRule> snapshot() {
    return rules.get();
  }

  public AlertRule get(String id) {
    return rules.get().get(id);
  }

  @Override
  public void replaceAll(Map<String, AlertRule> table) {
    rules.set(inStoreOrder(table));
  }

  @Override
  public void put(String key, AlertRule rule) {
    if (!rule.id().equals(key)) {
      throw new IllegalArgumentException("record key " + key + " differs from the rule's id " + rule.id());
    }
    change(m -> m.put(key, rule));
  }

  @Override
  public void remove(String key) {
    change(m -> m.remove(key));
  }

  private void change(Consumer<Map<String, AlertRule>> edit) {
    rules.updateAndGet(current -> {
      Map<String, AlertRule> copy = new HashMap<>(current);
      edit.accept(copy);
      return inStoreOrder(copy);
    });
  }

  private static Map<String, AlertRule> inStoreOrder(Map<String, AlertRule> table) {
    List<String> ids = new ArrayList<>(table.keySet());
    ids.sort(StoreKeyOrder.INSTANCE);
    Map<String, AlertRule> ordered = new LinkedHashMap<>();
    ids.forEach(id -> ordered.put(id, table.get(id)));
    return Collections.unmodifiableMap(ordered);
  }
}
