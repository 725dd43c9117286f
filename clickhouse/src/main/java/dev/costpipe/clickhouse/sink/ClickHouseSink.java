package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.contracts.topics.TopicCreator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
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
 * Each record becomes one row (its checked values, encoded as RowBinary as it is read) in its table's buffer; a
 * buffer is written when it holds {@code batch-rows} rows or its oldest row is {@code batch-time} old, and then
 * every buffer is written, up to {@code inserts-in-flight} such flushes at once (as RowBinary, see
 * {@link ClickHouseRowInserter}). Offsets are committed in order, only after ClickHouse acknowledged every row
 * read before them and the dead letters are acknowledged by Kafka. A crash, a rebalance or a failed commit
 * therefore re-delivers rows, never skips them; the tables are ReplacingMergeTrees whose sort key a re-delivered
 * row shares, so with {@code FINAL} (as the views read them) nothing is counted twice.
 *
 * <p><b>Outages.</b> When ClickHouse cannot be reached or answers with an error about itself rather than the
 * data (see {@link ClickHouseErrors}), the same rows are retried with exponential backoff
 * ({@code retry-backoff-ms} doubling up to {@code retry-backoff-max-ms}), each attempt logged with its number
 * and counted ({@link ClickHouseSinkMetrics#retries()}); meanwhile the consumer is paused but keeps polling,
 * so it stays in its group. Nothing is dropped and nothing is committed until the rows are in. A schema registry
 * outage (Avro values; {@link dev.costpipe.contracts.avro.registry.RegistryFailures}: unreachable, timeouts,
 * 401/403/408/429/5xx, from costpipe's or Confluent's deserializer) is waited out the same way: the records it
 * cannot read now are read again, never dead-lettered.
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
 * <p><b>Parts.</b> This class is the life cycle (clients, schema, dead-letter topic, stop); {@link SinkConsumerLoop}
 * polls, commits and follows rebalances, {@link SinkBuffer} decides batching, {@link InsertPipeline} keeps
 * flushes in flight and hands them back in order, {@link BatchWriter} writes rows through a {@link RowInserter}
 * (bisecting refused batches), {@link DeadLetterWriter} writes dead letters; every
 * retry waits by the one {@link Backoff} policy.
 *
 * <p><b>Counters.</b> {@link #metrics()}: rows written per table, insert batches, retries, dead letters (by
 * reason), commits, last batch latency.
 */
public final class ClickHouseSink implements AutoCloseable {
  public static final String REJECTED = "clickhouse_rejected";
  /** Header set on a dead letter whose original value was too large to forward (read it at source.offset). */
  public static final String VALUE_OMITTED = "error.value_omitted";
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final ClickHouseSinkConfig config;
  private final JsonOrAvroValues values;
  private final Backoff backoff;
  private final ClickHouseSinkMetrics metrics = new ClickHouseSinkMetrics();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean started = new AtomicBoolean(false);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicBoolean clickHouseDown = new AtomicBoolean(false);
  private final RowEncodings encodings = new RowEncodings();
  private final SinkConsumerLoop loop;

  // Everything below belongs to the thread in run().
  private Client client;
  private KafkaProducer<byte[], byte[]> producer;

  public ClickHouseSink(ClickHouseSinkConfig config) {
    this.config = config;
    this.values = new JsonOrAvroValues(config.kafka());
    this.backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
    this.loop = new SinkConsumerLoop(config, new SinkBuffer(config, values, encodings), metrics, running);
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
    return loop.inGroup();
  }

  /** The partitions the consumer holds now; safe from any thread. */
  public Set<TopicPartition> assignment() {
    return loop.assignment();
  }

  /**
   * The consumer once {@link #run()} created it, for a metrics exporter: only its {@code metrics()} may be called
   * from another thread.
   */
  public Optional<org.apache.kafka.clients.consumer.Consumer<?, ?>> consumerForMetrics() {
    return loop.consumer().map(c -> c);
  }

  /** Whether the last attempt to reach ClickHouse failed as an outage (it is being retried). */
  public boolean clickHouseDown() {
    return clickHouseDown.get();
  }

  /** Whether records wait for the schema registry to read their values again (it is being retried). */
  public boolean schemaRegistryDown() {
    return loop.registryDown();
  }

  /** Asks {@link #run()} to return; safe from any thread, returns at once. */
  public void stop() {
    running.set(false);
    loop.wakeup();
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
      ClickHouseRowInserter inserter = new ClickHouseRowInserter(client, config, encodings);
      inserter.learnEncodings();
      BatchWriter batches = new BatchWriter(inserter, config, backoff, metrics, clickHouseDown);
      producer = new KafkaProducer<>(producerProperties());
      DeadLetterWriter deadLetters = new DeadLetterWriter(producer, config.deadLetterTopic(), backoff, metrics);
      createDeadLetterTopicIfMissing();
      loop.run(new KafkaConsumer<>(config.consumerProperties()), batches, deadLetters);
    } catch (StopRequested e) {
      LOG.info("ClickHouse sink stopped while waiting; what was not committed is read again on restart");
    } finally {
      closeClients();
      LOG.info("ClickHouse sink stopped: {}", metrics);
      finished.countDown();
    }
  }

  private void migrate() {
    Backoff.Attempts attempts = backoff.attempts(LOG, loop::waitFor);
    while (true) {
      try {
        ClickHouseMigrations.Result result = new ClickHouseMigrations(client, config.database()).migrate();
        clickHouseDown.set(false);
        LOG.info("ClickHouse schema of {} up to date (migrations applied now: {}, views created now: {})",
            config.database(), result.appliedMigrations(), result.createdViews());
        return;
      } catch (IllegalStateException e) {
        if (ClickHouseErrors.classify(e) != ClickHouseErrors.Kind.OUTAGE) {
          throw e; // ClickHouse refused a statement: a schema conflict needs a human
        }
        metrics.retried();
        clickHouseDown.set(true);
        StopRequested.retryOrStop(attempts, "ClickHouse unavailable for the schema migrations", e.getMessage());
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
    NewTopic topic = new NewTopic(config.deadLetterTopic(), Optional.empty(), Optional.empty());
    try (Admin admin = Admin.create(config.adminProperties())) {
      if (!new TopicCreator(admin, ADMIN_TIMEOUT).createMissing(List.of(topic)).isEmpty()) {
        LOG.info("created the dead-letter topic {}", config.deadLetterTopic());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    } catch (KafkaException e) {
      LOG.warn("cannot check or create the dead-letter topic {} ({}); dead letters wait until it exists",
          config.deadLetterTopic(), e.getMessage());
    }
  }

  private void closeClients() {
    values.close();
    loop.close();
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
}
