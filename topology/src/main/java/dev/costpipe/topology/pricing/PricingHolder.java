package dev.costpipe.topology.pricing;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.topology.steps.MirrorTarget;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cost engine in use, kept in step with the {@code llm.pricing} topic: stream threads read it,
 * the global thread swaps in a new immutable snapshot on each change. Until the topic has been read
 * it prices nothing (an empty registry): the topic is the single source of truth.
 */
public final class PricingHolder implements MirrorTarget<PricingEntry> {
  private final AtomicReference<CostEngine> engine =
      new AtomicReference<>(CostEngine.withPrices(PricingRegistry.of(List.of())));

  public CostEngine engine() {
    return engine.get();
  }

  @Override
  public void replaceAll(Map<String, PricingEntry> table) {
    engine.set(CostEngine.withPrices(PricingRegistry.of(table.values())));
  }

  @Override
  public void put(String key, PricingEntry entry) {
    if (!entry.modelKey().equals(key)) {
      throw new IllegalArgumentException("record key " + key + " differs from its model_key " + entry.modelKey());
    }
    engine.updateAndGet(e -> CostEngine.withPrices(e.registry().with(entry)));
  }

  @Override
  public void remove(String modelKey) {
    engine.updateAndGet(e -> CostEngine.withPrices(e.registry().without(modelKey)));
  }
}
