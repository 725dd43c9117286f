package dev.costpipe.clickhouse.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A row waiting for ClickHouse (its values, see {@link RowValues}), with the record it came from (for the
 * dead-letter topic).
 */
record SinkRow(Object[] values, ConsumerRecord<byte[], byte[]> source) {}
