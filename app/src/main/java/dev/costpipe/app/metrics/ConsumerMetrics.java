package dev.costpipe.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Kafka's own metrics of a component's consumer ({@code kafka_consumer_*}: lag, fetch and commit rates), bound
 * once the consumer exists: it is created when the component starts running, after the endpoint.
 */
final class ConsumerMetrics implements AutoCloseable {
  private final Supplier<Optional<Consumer<?, ?>>> consumer;
  private KafkaClientMetrics bound;

  ConsumerMetrics(Supplier<Optional<Consumer<?, ?>>> consumer) {
    this.consumer = consumer;
  }

  synchronized void bindIfCreated(MeterRegistry registry) {
    if (bound == null) {
      consumer.get().ifPresent(c -> {
        bound = new KafkaClientMetrics(c);
        bound.bindTo(registry);
      });
    }
  }

  @Override
  public synchronized void close() {
    if (bound != null) {
      bound.close();
    }
  }
}
