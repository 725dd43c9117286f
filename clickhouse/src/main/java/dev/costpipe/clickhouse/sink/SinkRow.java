package dev.costpipe.clickhouse.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A row waiting for ClickHouse (its values, see {@link RowValues}), with the record it came from (for the
 * dead-letter topic).
 */
record SinkRow(Object[] values, ConsumerRecord<byte[], byte[]> source) {
  /** Whether {@code b} comes from the topic partition of {@code a} (false without an {@code a}). */
  static boolean samePartition(ConsumerRecord<?, ?> a, ConsumerRecord<?, ?> b) {
    return a != null && a.partition() == b.partition() && a.topic().equals(b.topic());
  }
}
