package dev.costpipe.app.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Exposes a component's own named counters ({@code dlq.invalid_json}, {@code delivered.ops-slack}, …) as
 * Micrometer function counters that read them at scrape time: the counters stay where they are counted.
 * Names appear while the component runs, so {@link #refresh} registers the new ones before each scrape.
 */
final class CounterBridge {
  /** The meter a counter name becomes. */
  record Meter(String name, Tags tags, String description) {}

  private final Supplier<Set<String>> names;
  private final ToLongFunction<String> value;
  private final Function<String, Optional<Meter>> naming;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  CounterBridge(Supplier<Set<String>> names, ToLongFunction<String> value, Function<String, Optional<Meter>> naming) {
    this.names = names;
    this.value = value;
    this.naming = naming;
  }

  /** Registers a counter before it has counted anything, so that it is scraped as 0 from the start. */
  void register(MeterRegistry registry, String name) {
    if (registered.add(name)) {
      naming.apply(name).ifPresent(m -> FunctionCounter.builder(m.name(), value, v -> v.applyAsLong(name))
          .tags(m.tags()).description(m.description()).register(registry));
    }
  }

  void refresh(MeterRegistry registry) {
    for (String name : names.get()) {
      register(registry, name);
    }
  }
}
