package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.data.ClickHouseFormat;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.contracts.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies {@code llm.costs}, {@code llm.cost-aggregates} and {@code llm.cost-alerts} into ClickHouse
 * ({@code request_costs}, {@code cost_aggregates}, {@code cost_alerts}; see {@link ClickHouseMigrations}).
 *
 * <p><b>Use.</b> {@code new ClickHouseSink(ClickHouseSinkConfig.from(properties))}, then {@link #run()} on a
 * thread of its own (it returns after {@link #stop()} / {@link #close()}, or throws on a fatal error such as
 * a migration ClickHouse refuses); or {@link #runUntilShutdown()} for a command line.
 *
 * <p><b>Delivery.</b> One consumer group ({@code read_committed}, no auto-commit) reads the three topics.
 * Each record becomes one JSONEachRow row in its table's buffer; a buffer is written when it holds
 * {@code batch-rows} rows or its oldest row is {@code batch-ms} old, and then every buffer is written. Offsets
 * are committed only after ClickHouse acknowledged every row read so far and the dead letters are
 * acknowledged by Kafka. A crash, a rebalance or a failed commit therefore re-delivers rows, never skips
 * them; the tables are ReplacingMergeTrees whose sort key a re-delivered row shares, so with {@code FINAL}
 * (as the views read them) nothing is counted twice.
 *
 * <p><b>Outages.</b> When ClickHouse cannot be reached or answers with an error about itself rather than the
 * data (see {@link ClickHouseErrors}), the same rows are retried with exponential backoff
 * ({@code retry-backoff-ms} doubling up to {@code retry-backoff-max-ms}), each attempt logged with its number
 * and counted ({@link ClickHouseSinkMetrics#retries()}); meanwhile the consumer is paused but keeps polling,
 * so it stays in its group. Nothing is dropped and nothing is committed until the rows are in.
 *
 * <p><b>Bad records.</b> A record that is not a valid cost record / aggregate / alert event (not JSON, a
 * wrong type, a value the column cannot hold) goes to the dead-letter topic ({@code llm.sink.dlq}) with its
 * original key, value and headers plus {@code error.reason}, {@code error.message}, {@code error.step},
 * {@code source.topic}, {@code source.partition}, {@code source.offset}. Those checks cover everything the
 * columns cannot hold (18.16 would otherwise wrap silently, e.g. a DateTime after 2106). When ClickHouse still
 * refuses a batch, the sink re-sends one row of that table it accepted before: refused too, the table or
 * server is at fault and the batch is retried like an outage; accepted, the batch is bisected, the good rows
 * are written and each refused row is dead-lettered ({@code clickhouse_rejected}). (With no such row yet, the
 * batch is bisected, and a refusal of every row is taken as the table's fault.)
 *
 * <p><b>Counters.</b> {@link #metrics()}: rows written per table, insert batches, retries, dead letters (by
 * reason), commits, last batch latency.
 */
public final class ClickHouseSink implements AutoCloseable {
  public static final String REJECTED = "clickhouse_rejected";
  static final String STEP = "clickhouse-sink";
  /** Header set on a dead letter whose original value was too large to forward (read it at source.offset). */
  public static final String VALUE_OMITTED = "error.value_omitted";
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  private static final Duration WAIT_POLL = Duration.ofMillis(200);
  private static final Duration REPORT_EVERY = Duration.ofMinutes(1);
  private static final int DIAGNOSE_EVERY = 10;

  private final ClickHouseSinkConfig config;
  private final JsonOrAvroValues values;
  private final ClickHouseSinkMetrics metrics = new ClickHouseSinkMetrics();
  private final Map<String, SinkTable> tableByTopic = new HashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean started = new AtomicBoolean(false);
  private final CountDownLatch finished = new CountDownLatch(1);
  /** The consumer's partitions, kept by the rebalance listener so that other threads may read them. */
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
  private volatile boolean inGroup;
  private volatile boolean clickHouseDown;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  // Everything below belongs to the thread in run().
  private Client client;
  private KafkaProducer<byte[], byte[]> producer;
  private EnumMap<SinkTable, List<Row>> buffers = emptyBuffers();
  private List<DeadLetter> deadLetters = new ArrayList<>();
  private Map<TopicPartition, Long> pendingOffsets = new HashMap<>();
  /** Offsets of the rows being flushed: a revocation during an outage wait removes its partitions. */
  private Map<TopicPartition, Long> inFlightOffsets;
  private final EnumMap<SinkTable, Row> lastAccepted = new EnumMap<>(SinkTable.class);
  private int bufferedRecords;
  private long firstBufferedNanos;
  private boolean paused;
  private long lastReportNanos = System.nanoTime();

  /** A row waiting for ClickHouse, with the record it came from (for the dead-letter topic). */
  private record Row(byte[] json, ConsumerRecord<byte[], byte[]> source) {}

  /** A record for the dead-letter topic; {@code withoutValue} when the original is too large to forward. */
  private record DeadLetter(ConsumerRecord<byte[], byte[]> source, String reason, String message, boolean withoutValue) {
    DeadLetter(ConsumerRecord<byte[], byte[]> source, String reason, String message) {
      this(source, reason, message, false);
    }
  }

  /** A refusal by the server and what it said; {@code row} is set when one row was sent. */
  private record Refusal(Row row, String message) {}

  /** Thrown to unwind out of a wait when stop() was called: nothing more is written or committed. */
  private static final class StopRequested extends RuntimeException {
    StopRequested() {
      super(null, null, false, false);
    }
  }

  public ClickHouseSink(ClickHouseSinkConfig config) {
    this.config = config;
    this.values = new JsonOrAvroValues(config.kafka());
    tableByTopic.put(config.costsTopic(), SinkTable.REQUEST_COSTS);
    tableByTopic.put(config.aggregatesTopic(), SinkTable.COST_AGGREGATES);
    tableByTopic.put(config.alertsTopic(), SinkTable.COST_ALERTS);
    if (tableByTopic.size() != 3) {
      throw new IllegalArgumentException("the costs, aggregates and alerts topics must differ: " + config.sourceTopics());
    }
  }

  /**
   * For the command line: {@link #run()} on this thread until SIGTERM / Ctrl-C, then stops cleanly (a last flush
   * and commit when ClickHouse is reachable).
   */
  public void runUntilShutdown() {
    Thread hook = new Thread(this::close, "clickhouse-sink-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  public ClickHouseSinkMetrics metrics() {
    return metrics;
  }

  public ClickHouseSinkConfig config() {
    return config;
  }

  /** Whether {@link #run()} is running (started and not finished). */
  public boolean isRunning() {
    return started.get() && finished.getCount() > 0;
  }

  /** Whether {@link #run()} has ended (stopped, or failed); false before it started. */
  public boolean hasEnded() {
    return finished.getCount() == 0;
  }

  /** Whether the consumer has joined its group (received an assignment, possibly empty) and not lost it since. */
  public boolean inGroup() {
    return inGroup;
  }

  /** The partitions the consumer holds now; safe from any thread. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(assigned);
  }

  /**
   * The consumer once {@link #run()} created it, for a metrics exporter: only its {@code metrics()} may be called
   * from another thread.
   */
  public Optional<org.apache.kafka.clients.consumer.Consumer<?, ?>> consumerForMetrics() {
    return Optional.ofNullable(consumer);
  }

  /** Whether the last attempt to reach ClickHouse failed as an outage (it is being retried). */
  public boolean clickHouseDown() {
    return clickHouseDown;
  }

  /** Asks {@link #run()} to return; safe from any thread, returns at once. */
  public void stop() {
    running.set(false);
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /** Stops the sink and waits (up to 60 s) until {@link #run()} has closed its clients. */
  @Override
  public void close() {
    stop();
    if (started.get()) {
      try {
        if (!finished.await(60, TimeUnit.SECONDS)) {
          LOG.warn("the ClickHouse sink did not stop within 60 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs until {@link #stop()}: creates the schema, then consumes, writes and commits. */
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a ClickHouseSink runs once");
    }
    try {
      LOG.info("ClickHouse sink starting: {}", config);
      client = config.newClient();
      migrate();
      producer = new KafkaProducer<>(producerProperties());
      createDeadLetterTopicIfMissing();
      consumer = new KafkaConsumer<>(config.consumerProperties());
      if (!running.get()) {
        return;
      }
      consumer.subscribe(config.sourceTopics(), new Rebalances());
      LOG.info("ClickHouse sink consuming {} into database {}", config.sourceTopics(), config.database());
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(pollTimeout());
        } catch (WakeupException e) {
          continue; // stop() was called: the loop condition ends it
        }
        accept(records);
        if (flushDue()) {
          flushAndCommit(true);
        }
        report();
      }
      finalFlush();
    } catch (StopRequested e) {
      LOG.info("ClickHouse sink stopped while waiting; what was not committed is read again on restart");
    } finally {
      closeClients();
      LOG.info("ClickHouse sink stopped: {}", metrics);
      finished.countDown();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  private void accept(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    long ingestedAt = Instant.now().getEpochSecond();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      SinkTable table = tableByTopic.get(r.topic());
      if (table == null) {
        continue; // not subscribed: cannot happen
      }
      try {
        buffers.get(table).add(new Row(table.row(SinkValueFormat.json(values, r), ingestedAt), r));
      } catch (InvalidRecordException e) {
        deadLetters.add(new DeadLetter(r, e.reason(), e.getMessage()));
      }
      if (bufferedRecords++ == 0) {
        firstBufferedNanos = System.nanoTime();
      }
      pendingOffsets.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
    }
  }

  /** Rows or dead letters waiting, or offsets whose commit failed and must be tried again. */
  private boolean hasPending() {
    return bufferedRecords > 0 || !pendingOffsets.isEmpty();
  }

  private Duration pollTimeout() {
    if (!hasPending()) {
      return IDLE_POLL;
    }
    long left = config.batchTime().toNanos() - (System.nanoTime() - firstBufferedNanos);
    return Duration.ofNanos(Math.max(0, Math.min(left, IDLE_POLL.toNanos())));
  }

  private boolean flushDue() {
    if (!hasPending()) {
      return false;
    }
    for (List<Row> rows : buffers.values()) {
      if (rows.size() >= config.batchRows()) {
        return true;
      }
    }
    return System.nanoTime() - firstBufferedNanos >= config.batchTime().toNanos();
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * Writes every buffered row and dead letter, then commits the offsets read so far. With
   * {@code mayWait}, outages are waited out (polling, paused); without, an outage throws
   * {@link StopRequested} and nothing is committed.
   */
  private void flushAndCommit(boolean mayWait) {
    EnumMap<SinkTable, List<Row>> rows = buffers;
    List<DeadLetter> letters = deadLetters;
    inFlightOffsets = pendingOffsets;
    buffers = emptyBuffers();
    deadLetters = new ArrayList<>();
    pendingOffsets = new HashMap<>();
    bufferedRecords = 0;
    try {
      for (SinkTable table : SinkTable.values()) {
        List<Row> tableRows = rows.get(table);
        for (int from = 0; from < tableRows.size(); from += config.batchRows()) {
          writeChunk(table, tableRows.subList(from, Math.min(tableRows.size(), from + config.batchRows())), letters,
              mayWait);
        }
      }
      sendDeadLetters(letters, mayWait);
      resumeIfPaused();
      commit(inFlightOffsets);
    } finally {
      inFlightOffsets = null;
    }
  }

  /**
   * Writes one chunk of a table's rows: retried through outages; when the server refuses it, {@link #diagnose}
   * decides between bad rows (dead-lettered, the rest written) and a table or server problem (retried with
   * backoff, the full diagnosis repeated every {@value #DIAGNOSE_EVERY} attempts, cheap re-sends between).
   */
  private void writeChunk(SinkTable table, List<Row> chunk, List<DeadLetter> letters, boolean mayWait) {
    int attempt = 0;
    while (true) {
      Refusal refusal = insertThroughOutages(table, chunk, mayWait);
      if (refusal == null) {
        return;
      }
      if (attempt % DIAGNOSE_EVERY == 0) {
        List<Refusal> refused = diagnose(table, chunk, refusal, mayWait);
        if (refused != null) {
          for (Refusal r : refused) {
            letters.add(new DeadLetter(r.row().source(), REJECTED, r.message()));
          }
          return;
        }
      }
      attempt++;
      Duration wait = backoff(attempt);
      metrics.retried();
      LOG.warn("ClickHouse refuses the batch of {} rows for {} (attempt {}): {}; it refuses rows it accepted before"
          + " or every row alike, so the table or server is at fault, not the data: retrying in {} ms", chunk.size(),
          table.tableName(), attempt, refusal.message(), wait.toMillis());
      if (!mayWait) {
        throw new StopRequested();
      }
      waitFor(wait);
    }
  }

  /**
   * After the server refused a chunk: the refused rows (the others are then written), or null when the refusal
   * is not the data's fault. A row of this table ClickHouse accepted before is sent again (harmless: it
   * replaces itself): refused too, the table or server is at fault. Accepted, the chunk is bisected. Without
   * such a row, the chunk is bisected, and if every row of it is refused, that is taken as the table's fault
   * too (e.g. a column dropped or renamed: better to wait for a fix than to dead-letter the whole stream).
   */
  private List<Refusal> diagnose(SinkTable table, List<Row> chunk, Refusal refusal, boolean mayWait) {
    Row known = lastAccepted.get(table);
    if (known != null) {
      if (insertThroughOutages(table, List.of(known), mayWait) != null) {
        // Refused as well. Forget it: after a schema change it may be the row itself that no longer fits,
        // so the next diagnosis goes by bisection.
        lastAccepted.remove(table);
        return null;
      }
      return chunk.size() == 1 ? List.of(refusal) : bisect(table, chunk, mayWait);
    }
    List<Refusal> refused = chunk.size() == 1 ? List.of(refusal) : bisect(table, chunk, mayWait);
    boolean everyRow = chunk.size() > 1 && refused.size() == chunk.size();
    return everyRow ? null : refused;
  }

  /** Splits rows in halves until each refused row stands alone; writes the rest. Returns the refused rows. */
  private List<Refusal> bisect(SinkTable table, List<Row> rows, boolean mayWait) {
    List<Refusal> refused = new ArrayList<>();
    int mid = rows.size() / 2;
    for (List<Row> half : List.of(rows.subList(0, mid), rows.subList(mid, rows.size()))) {
      Refusal r = insertThroughOutages(table, half, mayWait);
      if (r == null) {
        continue;
      }
      if (half.size() == 1) {
        refused.add(r);
      } else {
        refused.addAll(bisect(table, half, mayWait));
      }
    }
    return refused;
  }

  /** Inserts rows, waiting out outages; returns null once acknowledged, or the server's refusal of the data. */
  private Refusal insertThroughOutages(SinkTable table, List<Row> rows, boolean mayWait) {
    int attempt = 0;
    while (true) {
      long begin = System.nanoTime();
      Throwable failure;
      try (InsertResponse ignored = client.insert(config.table(table.tableName()), new RowsInputStream(json(rows)),
          ClickHouseFormat.JSONEachRow).get()) {
        metrics.batchWritten(table, rows.size(), System.nanoTime() - begin);
        lastAccepted.put(table, rows.get(rows.size() - 1));
        clickHouseDown = false;
        if (attempt > 0) {
          LOG.info("ClickHouse accepted the batch for {} after {} attempts", table.tableName(), attempt + 1);
        }
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StopRequested();
      } catch (ExecutionException e) {
        failure = e.getCause() == null ? e : e.getCause();
      } catch (RuntimeException e) {
        failure = e;
      }
      ClickHouseErrors.Kind kind = ClickHouseErrors.classify(failure);
      if (kind != ClickHouseErrors.Kind.OUTAGE) {
        return new Refusal(rows.size() == 1 ? rows.get(0) : null, ClickHouseErrors.describe(failure));
      }
      attempt++;
      Duration wait = backoff(attempt);
      metrics.retried();
      clickHouseDown = true;
      LOG.warn("ClickHouse unavailable: inserting {} rows into {} failed (attempt {}): {}; retrying in {} ms",
          rows.size(), config.table(table.tableName()), attempt, ClickHouseErrors.describe(failure), wait.toMillis());
      if (!mayWait) {
        throw new StopRequested();
      }
      waitFor(wait);
    }
  }

  private static List<byte[]> json(List<Row> rows) {
    List<byte[]> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(r.json());
    }
    return out;
  }

  private void sendDeadLetters(List<DeadLetter> letters, boolean mayWait) {
    List<DeadLetter> pending = letters;
    int attempt = 0;
    while (!pending.isEmpty()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(pending.size());
      List<DeadLetter> failed = new ArrayList<>();
      Exception lastError = null;
      for (DeadLetter letter : pending) {
        try {
          sent.add(producer.send(deadLetterRecord(letter)));
        } catch (KafkaException e) {
          sent.add(null);
          lastError = e;
        }
      }
      producer.flush();
      Map<String, Integer> byReason = new TreeMap<>();
      for (int i = 0; i < pending.size(); i++) {
        DeadLetter letter = pending.get(i);
        try {
          if (sent.get(i) == null) {
            failed.add(letter);
            continue;
          }
          sent.get(i).get();
          metrics.deadLettered(letter.reason());
          byReason.merge(letter.reason(), 1, Integer::sum);
          LOG.debug("dead-lettered {}-{}@{}: {}: {}", letter.source().topic(), letter.source().partition(),
              letter.source().offset(), letter.reason(), letter.message());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StopRequested();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RecordTooLargeException && !letter.withoutValue()) {
            // the original plus headers exceeds the producer's max.request.size: forward the coordinates only
            failed.add(new DeadLetter(letter.source(), letter.reason(), letter.message(), true));
            LOG.warn("dead letter {}-{}@{} is too large to forward whole: sending it without its value",
                letter.source().topic(), letter.source().partition(), letter.source().offset());
            continue;
          }
          failed.add(letter);
          lastError = e;
        }
      }
      if (!byReason.isEmpty()) {
        DeadLetter first = pending.get(0);
        LOG.warn("sent {} records to {} {}; e.g. {}-{}@{}: {}: {}", byReason.values().stream().mapToInt(i -> i).sum(),
            config.deadLetterTopic(), byReason, first.source().topic(), first.source().partition(),
            first.source().offset(), first.reason(), first.message());
      }
      if (failed.isEmpty()) {
        return;
      }
      if (lastError == null) {
        pending = failed; // only letters to resend without their value: at once
        continue;
      }
      attempt++;
      Duration wait = backoff(attempt);
      metrics.retried();
      LOG.warn("cannot write {} dead letters to {} (attempt {}): {}; retrying in {} ms", failed.size(),
          config.deadLetterTopic(), attempt, ClickHouseErrors.describe(lastError), wait.toMillis());
      if (!mayWait) {
        throw new StopRequested();
      }
      waitFor(wait);
      pending = failed;
    }
  }

  private ProducerRecord<byte[], byte[]> deadLetterRecord(DeadLetter letter) {
    ConsumerRecord<byte[], byte[]> source = letter.source();
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(config.deadLetterTopic(), null, source.key(),
        letter.withoutValue() ? null : source.value());
    for (Header h : source.headers()) {
      out.headers().add(h);
    }
    header(out, DeadLetterHeaders.REASON, letter.reason());
    header(out, DeadLetterHeaders.MESSAGE, letter.message() == null ? "" : letter.message());
    header(out, DeadLetterHeaders.STEP, STEP);
    header(out, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
    header(out, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
    header(out, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
    if (letter.withoutValue()) {
      header(out, VALUE_OMITTED, "true");
    }
    return out;
  }

  private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
    record.headers().remove(name);
    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private void commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>();
    var assignment = consumer.assignment();
    offsets.forEach((tp, offset) -> {
      if (assignment.contains(tp)) {
        owned.put(tp, new OffsetAndMetadata(offset));
      }
    });
    if (owned.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(owned);
      metrics.committed();
    } catch (WakeupException e) {
      keepForNextCommit(offsets);
      if (!running.get()) {
        commitOnce(owned); // stop() woke the consumer: this is the last chance to commit what was written
      }
    } catch (KafkaException e) {
      // A rebalance took partitions away, or the broker is unreachable: the rows are written, so the worst
      // case is that they are read and written again (they replace themselves).
      LOG.warn("offset commit failed ({}): the records since the last commit will be delivered again", e.toString());
      keepForNextCommit(offsets);
    }
  }

  private void commitOnce(Map<TopicPartition, OffsetAndMetadata> owned) {
    try {
      consumer.commitSync(owned, Duration.ofSeconds(10));
      metrics.committed();
    } catch (KafkaException e) {
      LOG.warn("last offset commit failed ({}): those records will be delivered again", e.toString());
    }
  }

  /** Offsets whose commit failed are committed with the next batch (never beyond what is written). */
  private void keepForNextCommit(Map<TopicPartition, Long> offsets) {
    if (bufferedRecords == 0 && pendingOffsets.isEmpty()) {
      firstBufferedNanos = System.nanoTime(); // the time bound brings the next attempt
    }
    offsets.forEach((tp, offset) -> pendingOffsets.merge(tp, offset, Math::max));
  }

  /** On stop: write what is buffered once (no waiting) and commit it. */
  private void finalFlush() {
    if (!hasPending()) {
      return;
    }
    int records = bufferedRecords;
    try {
      flushAndCommit(false);
    } catch (StopRequested e) {
      LOG.info("ClickHouse unavailable at shutdown: {} buffered records are read again on restart", records);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Waiting

  private Duration backoff(int attempt) {
    long initial = config.retryBackoff().toMillis();
    long max = config.retryBackoffMax().toMillis();
    long millis = attempt >= 31 ? max : Math.min(max, initial << Math.min(attempt - 1, 30));
    return Duration.ofMillis(millis);
  }

  /**
   * Waits while ClickHouse or Kafka is unavailable. Once consuming, the consumer keeps polling with its
   * partitions paused, so the group does not consider it dead; records of partitions assigned meanwhile are
   * buffered as usual. {@link #stop()} ends the wait with {@link StopRequested}.
   */
  private void waitFor(Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    KafkaConsumer<byte[], byte[]> c = consumer;
    boolean polling = c != null && !c.subscription().isEmpty();
    if (polling && !paused) {
      c.pause(c.assignment());
      paused = true;
    }
    while (running.get()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      if (polling) {
        try {
          accept(c.poll(Duration.ofNanos(Math.min(left, WAIT_POLL.toNanos()))));
        } catch (WakeupException e) {
          // stop() was called
        }
      } else {
        try {
          Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StopRequested();
        }
      }
    }
    throw new StopRequested();
  }

  private void resumeIfPaused() {
    if (paused) {
      consumer.resume(consumer.paused());
      paused = false;
    }
  }

  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      forget(partitions);
      if (!partitions.isEmpty()) {
        LOG.info("ClickHouse sink revoked {}", partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      inGroup = false;
      LOG.warn("ClickHouse sink lost {} (dropped out of the group)", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned.addAll(partitions);
      inGroup = true;
      LOG.info("ClickHouse sink assigned {}; holds {} partitions", partitions, assigned.size());
      if (paused) {
        consumer.pause(partitions);
      }
    }

    /**
     * Partitions taken away are not committed by this instance any more: their new owner reads them from
     * the last commit. Their buffered rows are still written (a harmless duplicate).
     */
    private void forget(Collection<TopicPartition> partitions) {
      assigned.removeAll(partitions);
      partitions.forEach(pendingOffsets::remove);
      if (inFlightOffsets != null) {
        partitions.forEach(inFlightOffsets::remove);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Start and stop

  private void migrate() {
    int attempt = 0;
    while (true) {
      try {
        ClickHouseMigrations.Result result = new ClickHouseMigrations(client, config.database()).migrate();
        clickHouseDown = false;
        LOG.info("ClickHouse schema of {} up to date (migrations applied now: {}, views created now: {})",
            config.database(), result.appliedMigrations(), result.createdViews());
        return;
      } catch (IllegalStateException e) {
        if (ClickHouseErrors.classify(e) != ClickHouseErrors.Kind.OUTAGE) {
          throw e; // ClickHouse refused a statement: a schema conflict needs a human
        }
        attempt++;
        Duration wait = backoff(attempt);
        metrics.retried();
        clickHouseDown = true;
        LOG.warn("ClickHouse unavailable for the schema migrations (attempt {}): {}; retrying in {} ms", attempt,
            e.getMessage(), wait.toMillis());
        waitFor(wait);
      }
    }
  }

  private Properties producerProperties() {
    Properties p = config.producerProperties();
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    return p;
  }

  private void createDeadLetterTopicIfMissing() {
    try (Admin admin = Admin.create(config.adminProperties())) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(config.deadLetterTopic())) {
        admin.createTopics(List.of(new NewTopic(config.deadLetterTopic(), Optional.empty(), Optional.empty())))
            .all().get(30, TimeUnit.SECONDS);
        LOG.info("created the dead-letter topic {}", config.deadLetterTopic());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
      LOG.warn("cannot check or create the dead-letter topic {} ({}); dead letters wait until it exists",
          config.deadLetterTopic(), e.toString());
    }
  }

  private void report() {
    if (System.nanoTime() - lastReportNanos >= REPORT_EVERY.toNanos()) {
      lastReportNanos = System.nanoTime();
      LOG.info("ClickHouse sink: {}", metrics);
    }
  }

  private void closeClients() {
    values.close();
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      try {
        c.close(CloseOptions.timeout(Duration.ofSeconds(10)));
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer: {}", e.toString());
      }
    }
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("closing the dead-letter producer: {}", e.toString());
      }
    }
    if (client != null) {
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the ClickHouse client: {}", e.toString());
      }
    }
  }

  private static EnumMap<SinkTable, List<Row>> emptyBuffers() {
    EnumMap<SinkTable, List<Row>> b = new EnumMap<>(SinkTable.class);
    for (SinkTable t : SinkTable.values()) {
      b.put(t, new ArrayList<>());
    }
    return b;
  }
}
