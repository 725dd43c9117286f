package dev.costpipe.clickhouse.sink;

import dev.costpipe.contracts.avro.registry.SchemaRegistryUnavailableException;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the sink has read and not committed yet, and when it is due: each record becomes a row of its topic's
 * table, or a dead letter when it is not a valid row ({@link InvalidRecordException}); the offset after it is
 * kept for the commit. A record whose value cannot be read while the schema registry is unavailable is neither:
 * it and the records after it are handed back ({@link RegistryUnavailable}) to be added again later. A flush is
 * due when a table holds {@code batch-rows} rows or the oldest record is {@code batch-ms} old, and also, right
 * after a flush that was due by size (a backlog is being read), as soon as a poll finds nothing more to read
 * ({@link #caughtUp}): the end of a backlog is not held back {@code batch-ms} for rows that are not coming. Such
 * an early flush follows only a full one, so inserts stay at most twice as many as full batches. Belongs to the
 * sink's consumer thread.
 */
final class SinkBuffer {
  /** How long a poll waits while a backlog's last rows are buffered: a poll this long with nothing is the end. */
  static final Duration BACKLOG_POLL = Duration.ofMillis(50);

  private final Map<String, SinkTable> tableByTopic = new HashMap<>();
  private final JsonOrAvroValues values;
  private final RowEncodings encodings;
  private final int batchRows;
  private final Duration batchTime;
  private EnumMap<SinkTable, List<SinkRow>> rows = emptyRows();
  private List<DeadLetter> deadLetters = new ArrayList<>();
  private Map<TopicPartition, Long> pendingOffsets = new HashMap<>();
  /** Offsets of the flushes being written, oldest first: a revocation meanwhile removes its partitions. */
  private final Deque<Map<TopicPartition, Long>> inFlightOffsets = new ArrayDeque<>();
  private int records;
  private long firstNanos;
  /** Whether the last flush was due by size: the sink is reading a backlog. */
  private boolean readingBacklog;
  /** Whether the consumer's last poll found no records: everything there was is read. */
  private boolean caughtUp;

  /** What a flush writes and then commits. */
  record Flush(Map<SinkTable, List<SinkRow>> rows, List<DeadLetter> deadLetters, Map<TopicPartition, Long> offsets) {}

  /** The schema registry is unavailable: {@code remaining} (in poll order) were not added, nor their offsets. */
  static final class RegistryUnavailable extends RuntimeException {
    private final List<ConsumerRecord<byte[], byte[]>> remaining;

    RegistryUnavailable(SchemaRegistryUnavailableException cause, List<ConsumerRecord<byte[], byte[]>> remaining) {
      super(cause.getMessage(), cause, false, false);
      this.remaining = List.copyOf(remaining);
    }

    List<ConsumerRecord<byte[], byte[]>> remaining() {
      return remaining;
    }
  }

  /** {@code encodings}: the tables' layouts as the inserter learns them, to encode each row as it is read. */
  SinkBuffer(ClickHouseSinkConfig config, JsonOrAvroValues values, RowEncodings encodings) {
    tableByTopic.put(config.costsTopic(), SinkTable.REQUEST_COSTS);
    tableByTopic.put(config.aggregatesTopic(), SinkTable.COST_AGGREGATES);
    tableByTopic.put(config.alertsTopic(), SinkTable.COST_ALERTS);
    if (tableByTopic.size() != 3) {
      throw new IllegalArgumentException("the costs, aggregates and alerts topics must differ: "
          + config.sourceTopics());
    }
    this.values = values;
    this.encodings = encodings;
    this.batchRows = config.batchRows();
    this.batchTime = config.batchTime();
  }

  /** Adds records in order; throws {@link RegistryUnavailable} with the ones it could not add. */
  void add(Iterable<ConsumerRecord<byte[], byte[]>> polled) {
    long ingestedAt = Instant.now().getEpochSecond();
    List<ConsumerRecord<byte[], byte[]>> inOrder = new ArrayList<>();
    polled.forEach(inOrder::add);
    if (!inOrder.isEmpty()) {
      caughtUp = false;
    }
    // The values first, in order: from the first one the registry cannot read now, the records wait.
    List<ConsumerRecord<byte[], byte[]>> taken = new ArrayList<>(inOrder.size());
    List<RowConverter.Value> valuesRead = new ArrayList<>(inOrder.size());
    RegistryUnavailable unavailable = null;
    for (int i = 0; i < inOrder.size() && unavailable == null; i++) {
      ConsumerRecord<byte[], byte[]> r = inOrder.get(i);
      SinkTable table = tableByTopic.get(r.topic());
      if (table == null) {
        continue; // not subscribed: cannot happen
      }
      try {
        valuesRead.add(new RowConverter.Value(table, SinkValueFormat.json(values, r), null));
        taken.add(r);
      } catch (InvalidRecordException e) {
        valuesRead.add(new RowConverter.Value(table, null, e));
        taken.add(r);
      } catch (SchemaRegistryUnavailableException e) {
        unavailable = new RegistryUnavailable(e, inOrder.subList(i, inOrder.size()));
      }
    }
    List<RowConverter.Converted> converted = RowConverter.rows(valuesRead, ingestedAt, encodings);
    ConsumerRecord<byte[], byte[]> partitionLast = null; // a poll holds runs of records of one partition
    for (int i = 0; i < taken.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = taken.get(i);
      RowConverter.Converted c = converted.get(i);
      if (c.invalid() == null) {
        rows.get(valuesRead.get(i).table()).add(new SinkRow(r, valuesRead.get(i).json(), ingestedAt, c.encoding(),
            c.rowBinary()));
      } else {
        deadLetters.add(new DeadLetter(r, c.invalid().reason(), c.invalid().getMessage()));
      }
      if (records++ == 0) {
        firstNanos = System.nanoTime();
      }
      if (partitionLast != null && !SinkRow.samePartition(partitionLast, r)) {
        commitAfter(partitionLast);
      }
      partitionLast = r;
    }
    if (partitionLast != null) {
      commitAfter(partitionLast);
    }
    if (unavailable != null) {
      throw unavailable;
    }
  }

  /** The consumer's poll found no records: ends a backlog's last batch early ({@link #flushDue}). */
  void caughtUp() {
    caughtUp = true;
  }

  /** The partition's offset to commit is the one after {@code r} (records are added in offset order). */
  private void commitAfter(ConsumerRecord<byte[], byte[]> r) {
    pendingOffsets.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
  }

  /** Records read and not flushed yet. */
  int records() {
    return records;
  }

  /** Rows or dead letters waiting, or offsets whose commit failed and must be tried again. */
  boolean hasPending() {
    return records > 0 || !pendingOffsets.isEmpty();
  }

  /**
   * How long a poll may wait: {@code idle} with nothing pending, else at most until the flush is due, and at most
   * {@link #BACKLOG_POLL} while a backlog's last rows wait for the end of the backlog.
   */
  Duration pollTimeout(Duration idle) {
    if (!hasPending()) {
      return idle;
    }
    long left = batchTime.toNanos() - (System.nanoTime() - firstNanos);
    long most = readingBacklog && records > 0 ? Math.min(idle.toNanos(), BACKLOG_POLL.toNanos()) : idle.toNanos();
    return Duration.ofNanos(Math.max(0, Math.min(left, most)));
  }

  boolean flushDue() {
    if (!hasPending()) {
      return false;
    }
    return full() || System.nanoTime() - firstNanos >= batchTime.toNanos()
        || (readingBacklog && caughtUp && records > 0);
  }

  /** Whether a table holds {@code batch-rows} rows. */
  private boolean full() {
    for (List<SinkRow> tableRows : rows.values()) {
      if (tableRows.size() >= batchRows) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes everything pending for a flush; its offsets stay in flight until {@link #flushEnded} (flushes end in
   * the order they started).
   */
  Flush startFlush() {
    readingBacklog = full();
    Flush flush = new Flush(rows, deadLetters, pendingOffsets);
    inFlightOffsets.addLast(pendingOffsets);
    rows = emptyRows();
    deadLetters = new ArrayList<>();
    pendingOffsets = new HashMap<>();
    records = 0;
    return flush;
  }

  /** The oldest flush in flight ended (committed, or given up). */
  void flushEnded() {
    inFlightOffsets.pollFirst();
  }

  /** Offsets whose commit failed are committed with the next flush (never beyond what is written). */
  void keepForNextCommit(Map<TopicPartition, Long> offsets) {
    if (records == 0 && pendingOffsets.isEmpty()) {
      firstNanos = System.nanoTime(); // the time bound brings the next attempt
    }
    offsets.forEach((tp, offset) -> pendingOffsets.merge(tp, offset, Math::max));
  }

  /**
   * Partitions taken away are not committed by this instance any more: their new owner reads them from the
   * last commit. Their buffered rows are still written (a harmless duplicate).
   */
  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(pendingOffsets::remove);
    inFlightOffsets.forEach(offsets -> partitions.forEach(offsets::remove));
  }

  private static EnumMap<SinkTable, List<SinkRow>> emptyRows() {
    EnumMap<SinkTable, List<SinkRow>> b = new EnumMap<>(SinkTable.class);
    for (SinkTable t : SinkTable.values()) {
      b.put(t, new ArrayList<>());
    }
    return b;
  }
}
