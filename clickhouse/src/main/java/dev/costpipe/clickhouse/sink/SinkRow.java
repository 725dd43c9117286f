package dev.costpipe.clickhouse.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A row waiting for ClickHouse (one JSONEachRow line), with the record it came from (for the dead-letter topic). */
record SinkRow(byte[] json, ConsumerRecord<byte[], byte[]> source) {}
