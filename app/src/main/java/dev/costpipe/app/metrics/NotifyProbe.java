package dev.costpipe.app.metrics;

import dev.costpipe.notify.Notifier;
import dev.costpipe.notify.NotifierCounters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code costpipe notify}: the notifier's counters ({@link NotifierCounters}) and its consumer's
 * ({@code kafka_consumer_*}). Ready while its consumer runs.
 */
public final class NotifyProbe implements ComponentProbe, AutoCloseable {
  private final Notifier notifier;
  private final CounterBridge counters;
  private final ConsumerMetrics consumerMetrics;

  public NotifyProbe(Notifier notifier) {
    this.notifier = notifier;
    NotifierCounters c = notifier.counters();
    this.counters = new CounterBridge(() -> c.snapshot().keySet(), c::get, NotifyProbe::meter);
    this.consumerMetrics = new ConsumerMetrics(notifier::consumerForMetrics);
  }

  static Optional<CounterBridge.Meter> meter(String name) {
    if (name.equals(NotifierCounters.ALERTS_SEEN)) {
      return Optional.of(new CounterBridge.Meter("costpipe.notify.alerts", Tags.empty(), "alert records read"));
    }
    if (name.equals(NotifierCounters.ALERTS_INVALID)) {
      return Optional.of(new CounterBridge.Meter("costpipe.notify.alerts.invalid", Tags.empty(),
          "records on the alerts topic that are not alert events"));
    }
    int dot = name.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String kind = name.substring(0, dot);
    Tags channel = Tags.of("channel", name.substring(dot + 1));
    return switch (kind) {
      case "delivered", "failed", "skipped" -> Optional.of(new CounterBridge.Meter("costpipe.notify.deliveries",
          channel.and("outcome", kind), "deliveries: delivered, failed (given up), skipped (made before)"));
      case "retries" -> Optional.of(new CounterBridge.Meter("costpipe.notify.retries", channel,
          "delivery attempts repeated after a failure"));
      default -> Optional.empty();
    };
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counters.register(registry, NotifierCounters.ALERTS_SEEN);
    counters.register(registry, NotifierCounters.ALERTS_INVALID);
    for (String channel : notifier.config().channels().keySet()) {
      for (String kind : new String[] {"delivered", "failed", "skipped", "retries"}) {
        counters.register(registry, kind + "." + channel);
      }
    }
  }

  @Override
  public void refresh(MeterRegistry registry) {
    counters.refresh(registry);
    consumerMetrics.bindIfCreated(registry);
  }

  @Override
  public void close() {
    consumerMetrics.close();
  }

  private boolean stopped() {
    try {
      return notifier.awaitStopped(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean subscribed() {
    try {
      return notifier.awaitReady(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Health live() {
    return stopped() ? Health.down("reason", "the notifier stopped") : Health.up();
  }

  @Override
  public Health ready() {
    if (stopped()) {
      return Health.down("reason", "the notifier stopped");
    }
    if (!subscribed()) {
      return Health.down("reason", "reading the delivery marks, not consuming alerts yet");
    }
    return notifier.schemaRegistryDown() ? Health.down("reason", "schema registry unavailable: retrying")
        : Health.up();
  }
}
