package dev.costpipe.clickhouse.sink;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The name of a batch for {@code insert_deduplication_token}: a digest of the table and, per source partition,
 * the first and last offset of its rows, their number and the first and last record's timestamp. Records at given
 * offsets never change, so the same token always means the same rows: a batch sent again (a retry after a timeout
 * whose insert did land) is dropped by servers that deduplicate by token. The timestamps keep a topic deleted and
 * created again, whose offsets start over, from reusing tokens. A batch cut differently (after a restart the
 * sink reads from the last commit and may batch differently) has another token; the tables' ReplacingMergeTree
 * keeps one row per request either way.
 */
final class DeduplicationToken {
  private DeduplicationToken() {}

  static String of(SinkTable table, List<SinkRow> rows) {
    Map<String, long[]> ranges = new TreeMap<>(); // first, last offset, rows, first, last timestamp
    ConsumerRecord<byte[], byte[]> previous = null;
    long[] current = null;
    for (SinkRow row : rows) {
      ConsumerRecord<byte[], byte[]> r = row.source();
      // a batch holds runs of rows of one partition: its range is looked up once per run
      if (!SinkRow.samePartition(previous, r)) {
        current = ranges.computeIfAbsent(r.topic() + "-" + r.partition(),
            k -> new long[] {r.offset(), r.offset(), 0, r.timestamp(), r.timestamp()});
      }
      previous = r;
      if (r.offset() < current[0]) {
        current[0] = r.offset();
        current[3] = r.timestamp();
      }
      if (r.offset() > current[1]) {
        current[1] = r.offset();
        current[4] = r.timestamp();
      }
      current[2]++;
    }
    StringBuilder name = new StringBuilder(table.tableName());
    ranges.forEach((partition, range) -> name.append(' ').append(partition).append('@').append(range[0]).append('-')
        .append(range[1]).append('#').append(range[2]).append('/').append(range[3]).append('-').append(range[4]));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.toString().getBytes(StandardCharsets.UTF_8));
      return table.tableName() + "-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
