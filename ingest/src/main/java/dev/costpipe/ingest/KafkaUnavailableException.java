package dev.costpipe.ingest;

/** Kafka did not acknowledge every event of a body in time: the sender should retry later (503). */
public final class KafkaUnavailableException extends Exception {
  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
