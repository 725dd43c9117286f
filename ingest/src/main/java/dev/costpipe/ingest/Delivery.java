package dev.costpipe.ingest;

import java.util.List;

/**
 * Where a body's events go, and what its sender may be told. Without a spool: Kafka, or an exception (503).
 * With one: Kafka within the ack timeout; if Kafka does not acknowledge in time, the spool (durably, before the
 * 2xx). While the spool holds anything, new bodies join it directly rather than go to Kafka: their order
 * behind the spooled ones is kept, and no sender waits out a timeout on a broker known to be down; the replayer
 * empties it once Kafka is back, and then bodies go to Kafka again.
 */
final class Delivery {
  /** What became of a body's events. */
  enum Outcome {
    /** Kafka acknowledged every event. */
    ACKNOWLEDGED,
    /** On disk in the spool; Kafka gets them when the replayer reaches them. */
    SPOOLED
  }

  private final EventSink kafka;
  private final Spool spool; // null: no spool
  private volatile boolean kafkaFailing;

  Delivery(EventSink kafka, Spool spool) {
    this.kafka = kafka;
    this.spool = spool;
  }

  /**
   * @throws KafkaUnavailableException Kafka did not acknowledge and there is no spool
   * @throws SpoolFullException Kafka did not acknowledge and the spool cannot take the events
   */
  Outcome deliver(List<KeyedEvent> events) throws KafkaUnavailableException, SpoolFullException {
    if (spool != null && spool.hasPending()) {
      spool.append(events);
      return Outcome.SPOOLED;
    }
    try {
      kafka.produce(events);
      kafkaFailing = false;
      return Outcome.ACKNOWLEDGED;
    } catch (KafkaUnavailableException e) {
      kafkaFailing = true;
      if (spool == null) {
        throw e;
      }
      spool.append(events);
      return Outcome.SPOOLED;
    }
  }

  /** Whether the last body sent to Kafka went unacknowledged. */
  boolean kafkaFailing() {
    return kafkaFailing;
  }
}
