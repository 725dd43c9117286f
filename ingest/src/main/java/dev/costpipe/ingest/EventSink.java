package dev.costpipe.ingest;

import java.util.List;

/** Where events go to be acknowledged: Kafka ({@link EventProducer}); tests put a fake in its place. */
@FunctionalInterface
public interface EventSink {
  /** Returns once every event is acknowledged; throws when any is not within the sink's own deadline. */
  void produce(List<KeyedEvent> events) throws KafkaUnavailableException;
}
