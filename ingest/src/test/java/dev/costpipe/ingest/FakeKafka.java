package dev.costpipe.ingest;

import java.util.ArrayList;
import java.util.List;

/** An {@link EventSink} that is up or down at will and keeps what it acknowledged, in order. */
final class FakeKafka implements EventSink {
  final List<String> acknowledged = new ArrayList<>();
  volatile boolean up = true;
  int calls;

  @Override
  public synchronized void produce(List<KeyedEvent> events) throws KafkaUnavailableException {
    calls++;
    if (!up) {
      throw new KafkaUnavailableException("Kafka did not acknowledge within PT2S", null);
    }
    events.forEach(e -> acknowledged.add(e.key()));
  }

  synchronized List<String> acknowledged() {
    return List.copyOf(acknowledged);
  }
}
