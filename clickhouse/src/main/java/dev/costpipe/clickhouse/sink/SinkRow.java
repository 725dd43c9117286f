package dev.costpipe.clickhouse.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A row waiting for ClickHouse: the record it came from (for the dead-letter topic), its value as the JSON the row
 * is read from ({@code source.value()} itself unless the value is Avro) and when it was read, and its RowBinary
 * bytes when its table's layout was known as it was read ({@code encoding}, else both null). A buffered row holds
 * no values of its own: they are read again from {@code json} only when the row is encoded at insert (its
 * table's layout was learnt since, or changed) or written as JSON, so that the rows of several batches in memory
 * are a few arrays each, not dozens of objects.
 */
record SinkRow(ConsumerRecord<byte[], byte[]> source, byte[] json, long ingestedAt, RowBinaryRows encoding,
    byte[] rowBinary) {

  /** The row's values ({@link RowValues}), read again: the same as when the record was first read. */
  Object[] values(SinkTable table) {
    try {
      return table.rowValues(json, ingestedAt);
    } catch (InvalidRecordException e) {
      throw new IllegalStateException("a row read before is now invalid: " + e.getMessage(), e);
    }
  }

  /** Whether the row's bytes are those of {@code current}, the table's layout now. */
  boolean encodedWith(RowBinaryRows current) {
    return encoding != null && encoding == current;
  }

  /** Whether {@code b} comes from the topic partition of {@code a} (false without an {@code a}). */
  static boolean samePartition(ConsumerRecord<?, ?> a, ConsumerRecord<?, ?> b) {
    return a != null && a.partition() == b.partition() && a.topic().equals(b.topic());
  }
}
