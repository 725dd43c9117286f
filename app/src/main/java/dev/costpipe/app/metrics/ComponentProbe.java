package dev.costpipe.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;

/** What one component exposes on its metrics port: its meters and its two health answers. */
public interface ComponentProbe {
  /** Adds meter filters, before any meter is registered. */
  default void configure(MeterRegistry registry) {}

  /** Registers the component's meters (once, before the first scrape). */
  void bindTo(MeterRegistry registry);

  /** Called before each scrape: registers meters that appeared since (a new dead-letter reason, a channel). */
  void refresh(MeterRegistry registry);

  /** Whether the process should be restarted: DOWN only when it cannot recover by itself. */
  Health live();

  /** Whether it does its work now. */
  Health ready();
}
