package dev.costpipe.topology.alert;

import dev.costpipe.topology.steps.MirrorTarget;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The alert rules in force, kept in step with {@code llm.alert-rules}; read by stream threads. */
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
    rules.set(Map.copyOf(table));
  }

  @Override
  public void put(String key, AlertRule rule) {
    if (!rule.id().equals(key)) {
      throw new IllegalArgumentException("record key " + key + " differs from the rule's id " + rule.id());
    }
    rules.updateAndGet(m -> {
      Map<String, AlertRule> copy = new HashMap<>(m);
      copy.put(key, rule);
      return Map.copyOf(copy);
    });
  }

  @Override
  public void remove(String key) {
    rules.updateAndGet(m -> {
      Map<String, AlertRule> copy = new HashMap<>(m);
      copy.remove(key);
      return Map.copyOf(copy);
    });
  }
}
