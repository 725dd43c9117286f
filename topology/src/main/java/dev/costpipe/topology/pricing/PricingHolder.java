package dev.costpipe.topology.pricing;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.topology.steps.MirrorTarget;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cost engine in use, kept in step with the {@code llm.pricing} topic: the global thread records
 * each change, and the next stream thread to price builds a new immutable registry from the table,
 * once per batch of changes (a catalogue of 2,478 entries loaded one record at a time would otherwise
 * rebuild the registry 2,478 times: seconds instead of a millisecond). Until the topic has been read it
 * prices nothing (an empty registry): the topic is the single source of truth.
 */
public final class PricingHolder implements MirrorTarget<PricingEntry> {
  private final Map<String, PricingEntry> table = new ConcurrentHashMap<>();
  private volatile CostEngine engine = CostEngine.withPrices(PricingRegistry.of(List.of()));
  private volatile boolean changed;

  public CostEngine engine() {
    if (changed) {
      synchronized (this) {
        if (changed) {
          changed = false;
          engine = CostEngine.withPrices(PricingRegistry.of(table.values()));
        }
      }
    }
    return engine;
  }

  @Override
  public void replaceAll(Map<String, PricingEntry> entries) {
    table.clear();
    table.putAll(entries);
    changed = true;
  }

  @Override
  public void put(String key, PricingEntry entry) {
    if (!entry.modelKey().equals(key)) {
      throw new IllegalArgumentException("record key " + key + " differs from its model_key " + entry.modelKey());
    }
    table.put(key, entry);
    changed = true;
  }

  @Override
  public void remove(String modelKey) {
    table.remove(modelKey);
    changed = true;
  }
}
