package dev.costpipe.app.metrics;

import dev.costpipe.topology.SpendCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spend counters ({@link SpendCounters}) as {@code costpipe_spend_usd_total}, {@code costpipe_requests_total}
 * and {@code costpipe_tokens_total{type=input|output}}, each labelled {@code provider}, {@code model} (the catalogue
 * key, or {@code other}) and {@code pricing_status}. A label set appears with its first cost record.
 */
final class SpendMeters {
  private static final double NANO = 1e-9;

  private final SpendCounters spend;
  private final Set<SpendCounters.Labels> registered = ConcurrentHashMap.newKeySet();

  SpendMeters(SpendCounters spend) {
    this.spend = spend;
  }

  void refresh(MeterRegistry registry) {
    spend.snapshot().forEach((labels, tally) -> {
      if (!registered.add(labels)) {
        return;
      }
      Tags tags = Tags.of("provider", labels.provider(), "model", labels.model(), "pricing_status",
          labels.pricingStatus());
      FunctionCounter.builder("costpipe.spend.usd", tally, t -> t.costNanoUsd() * NANO).tags(tags)
          .description("cost of the cost records in USD (approximate: see docs/operations.md)").register(registry);
      FunctionCounter.builder("costpipe.requests", tally, SpendCounters.Tally::requests).tags(tags)
          .description("requests priced, under their first cost record's labels").register(registry);
      FunctionCounter.builder("costpipe.tokens", tally, SpendCounters.Tally::inputTokens)
          .tags(tags.and("type", "input")).description("tokens of the cost records: input (all prompt tokens), output")
          .register(registry);
      FunctionCounter.builder("costpipe.tokens", tally, SpendCounters.Tally::outputTokens)
          .tags(tags.and("type", "output")).description("tokens of the cost records: input (all prompt tokens), output")
          .register(registry);
    });
  }
}
