package dev.costpipe.clickhouse.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record for the dead-letter topic and why; {@code withoutValue} when the original is too large to forward. */
record DeadLetter(ConsumerRecord<byte[], byte[]> source, String reason, String message, boolean withoutValue) {
  DeadLetter(ConsumerRecord<byte[], byte[]> source, String reason, String message) {
    this(source, reason, message, false);
  }

  /** The same letter without the original value. */
  DeadLetter valueOmitted() {
    return new DeadLetter(source, reason, message, true);
  }
}
