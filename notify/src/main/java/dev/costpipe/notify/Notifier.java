package dev.costpipe.notify;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.avro.registry.SchemaRegistryUnavailableException;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.notify.NotifierConfig.ChannelConfig;
import dev.costpipe.notify.NotifierConfig.EmailConfig;
import dev.costpipe.notify.NotifierConfig.SlackConfig;
import dev.costpipe.notify.NotifierConfig.WebhookConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert delivery: consumes {@code llm.cost-alerts} and delivers each alert to the channels its rule names
 * ({@code channels}), or to the config's {@code default_channels} when it names none.
 *
 * <p>Use: {@code Notifier n = new Notifier(NotifierConfig.load(file)); } a shutdown hook calls {@link #stop()}
 * (then {@link #awaitStopped}); {@link #run()} blocks the calling thread until then and returns normally, or
 * throws {@link NotifierException} when it cannot go on (e.g. Kafka refuses the delivery marks).
 *
 * <p><b>Once per (rule_id, window_start, level_pct, channel).</b> Every delivery made is marked on the
 * compacted delivered topic (acknowledged by the broker, {@code acks=all}) before the alert's offset is
 * committed; the marks are read to their end on start and whenever partitions are assigned, and a delivery
 * already marked is skipped ({@code skipped.<channel>}). So a restart, a rebalance or a re-read of the alerts
 * topic (a new group, a reset offset) delivers nothing twice. What remains: a crash after a peer accepted a
 * delivery and before its mark was acknowledged repeats that one delivery on restart; webhooks and emails carry
 * {@code X-Costpipe-Delivery-Id} so a receiver can drop it.
 *
 * <p><b>Failures are reported, never skipped.</b> Each channel is retried with exponential back-off
 * ({@code retry}, per channel or global); 4xx answers (but 408/429) and refused SMTP credentials are not
 * retried. A delivery given up is logged at ERROR (rule, level, window, channel, the HTTP status or SMTP
 * error), counted ({@code failed.<channel>}) and written to the failed topic (key = the delivery key, value =
 * the reason, error and the whole alert, for a replay); the alert's other channels still get it, and the
 * offset is committed: the failed topic is where it is picked up (only a re-read of the alerts topic, e.g.
 * by a new group, tries an undelivered channel again). Alerts naming
 * a channel the config does not define, and records that are not alert events, are reported the same way.
 * An alert whose channel entries are all invalid goes to the default channels. The channels of one alert
 * are delivered in parallel. A {@link #stop()} during a back-off abandons that alert without committing its
 * offset: the next run reads it again and delivers what is not marked yet.
 *
 * <p><b>Schema registry outages</b> (Avro alerts; {@link dev.costpipe.contracts.avro.registry.RegistryFailures}:
 * unreachable, timeouts, 401/403/408/429/5xx, from costpipe's or Confluent's deserializer) are not invalid alerts:
 * the consumer seeks back to the alert, waits with the global {@code retry} back-off (polling between waits, so it
 * stays in its group) and reads it again until the registry answers; nothing past it is committed meanwhile.
 *
 * <p><b>Kafka settings.</b> The consumer reads {@code isolation.level=read_committed}, commits by itself
 * ({@code enable.auto.commit=false}) and defaults to {@code auto.offset.reset=earliest} (alerts written
 * before the first start are delivered) and {@code max.poll.records=1} (a commit per alert; a slow channel
 * never stretches a poll past {@code max.poll.interval.ms}); {@code consumer:} in the config overrides the
 * defaults. The producer is idempotent with {@code acks=all}. Missing delivered/failed topics are created
 * ({@code topics.create}); the alerts topic is the streaming application's and is only waited for.
 */
public final class Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STATS_EVERY = Duration.ofMinutes(5);

  private final NotifierConfig config;
  private final Map<String, Channel> channels;
  private final NotifierCounters counters = new NotifierCounters();
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
  private final ExecutorService workers;
  private final JsonOrAvroValues values;

  private volatile KafkaConsumer<String, byte[]> consumer;
  /** Waits of a schema registry outage; null while the registry reads the alerts. */
  private volatile Backoff.Attempts registryAttempts;
  private KafkaProducer<String, String> producer;
  private DeliveryLog deliveryLog;
  private FailedDeliveries failures;
  private AlertDispatch dispatch;

  public Notifier(NotifierConfig config) {
    this(config, channelsOf(config));
  }

  /** With channels of one's own (tests, other channel types); their names are the config's channel names. */
  public Notifier(NotifierConfig config, Map<String, Channel> channels) {
    if (config.bootstrapServers() == null || config.bootstrapServers().isBlank()) {
      throw new IllegalArgumentException("no Kafka to talk to: give bootstrap_servers in the notifier config or"
          + " --bootstrap-server HOST:PORT");
    }
    this.config = config;
    this.channels = Map.copyOf(channels);
    // alert events in JSON or, with costpipe.serde.format=avro, in Avro through the registry named in kafka:/consumer:
    Map<String, String> serde = new HashMap<>(config.kafka());
    serde.putAll(config.consumer());
    this.values = new JsonOrAvroValues(serde);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, "costpipe-notify-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.workers = Executors.newCachedThreadPool(tf);
  }

  /** The channels a config defines. */
  public static Map<String, Channel> channelsOf(NotifierConfig config) {
    Map<String, Channel> out = new LinkedHashMap<>();
    for (ChannelConfig c : config.channels().values()) {
      Channel channel;
      if (c instanceof SlackConfig s) {
        channel = new SlackChannel(s);
      } else if (c instanceof WebhookConfig w) {
        channel = new WebhookChannel(w);
      } else {
        channel = new EmailChannel((EmailConfig) c);
      }
      out.put(c.name(), channel);
    }
    return out;
  }

  public NotifierCounters counters() {
    return counters;
  }

  public NotifierConfig config() {
    return config;
  }

  /**
   * The alerts consumer once {@link #run()} created it, for a metrics exporter: only its {@code metrics()} may be
   * called from another thread.
   */
  public Optional<org.apache.kafka.clients.consumer.Consumer<?, ?>> consumerForMetrics() {
    return Optional.ofNullable(consumer);
  }

  /** Asks {@link #run()} to return; does not wait (see {@link #awaitStopped}). Safe from any thread, repeatable. */
  public void stop() {
    stopSignal.countDown();
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /** Waits until {@link #run()} has returned (or never started and {@link #stop()} was called). */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    if (!started.get() && stopSignal.getCount() == 0) {
      return true;
    }
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until the notifier has read its delivery marks and subscribed to the alerts. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether an alert waits for the schema registry to read it (it is being retried). */
  public boolean schemaRegistryDown() {
    return registryAttempts != null;
  }

  private boolean stopping() {
    return stopSignal.getCount() == 0;
  }

  /** Delivers alerts until {@link #stop()}. Runs once per instance. */
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a Notifier runs once");
    }
    LOG.info("notifier starting: {}", config);
    LOG.info("channels: {}", channels.values().stream().map(c -> c.name() + " (" + c.config().type() + " → "
        + c.target() + ")").toList());
    try {
      NotifierKafkaSetup.ensureTopics(config);
      producer = new KafkaProducer<>(NotifierKafkaSetup.producerSettings(config), new StringSerializer(), new StringSerializer());
      failures = new FailedDeliveries(config.failedTopic(), producer, counters);
      deliveryLog = new DeliveryLog(config.deliveredTopic(), producer, NotifierKafkaSetup.commonSettings(config), config.deliveredRetention());
      deliveryLog.catchUp(STARTUP_TIMEOUT);
      dispatch = new AlertDispatch(config.defaultChannels(), channels, deliveryLog, failures, counters, workers,
          stopSignal);
      if (stopping()) {
        return;
      }
      consumer = new KafkaConsumer<>(NotifierKafkaSetup.consumerSettings(config), new StringDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(config.alertsTopic()), new Rebalance());
      LOG.info("notifier reading {} as group {} ({} deliveries already made)", config.alertsTopic(),
          config.groupId(), deliveryLog.size());
      ready.countDown();
      loop();
    } finally {
      shutdown();
    }
  }

  private void loop() {
    long nextStats = System.nanoTime() + STATS_EVERY.toNanos();
    Map<String, Long> lastStats = Map.of();
    try {
      while (!stopping()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        SchemaRegistryUnavailableException unavailable = null;
        ConsumerRecord<String, byte[]> unread = null;
        for (ConsumerRecord<String, byte[]> r : records) {
          try {
            if (stopping() || !handle(r)) {
              break;
            }
          } catch (SchemaRegistryUnavailableException e) {
            rewind(records);
            unavailable = e;
            unread = r;
            break;
          }
          registryAttempts = null;
          processed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        commitProcessed();
        if (unavailable != null) {
          waitForRegistry(unread, unavailable);
        }
        if (System.nanoTime() > nextStats) {
          Map<String, Long> now = counters.snapshot();
          if (!now.equals(lastStats)) {
            LOG.info("notifier counters: {}", now);
            lastStats = now;
          }
          nextStats = System.nanoTime() + STATS_EVERY.toNanos();
        }
      }
    } catch (WakeupException e) {
      if (!stopping()) {
        throw e;
      }
    }
  }

  /** Seeks every partition of {@code records} back to its first alert not handled: they are read again. */
  private void rewind(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      OffsetAndMetadata handled = processed.get(tp);
      consumer.seek(tp, handled != null ? handled.offset() : records.records(tp).get(0).offset());
    }
  }

  /** Waits one back-off of a schema registry outage (cut short by a stop) before the alert is read again. */
  private void waitForRegistry(ConsumerRecord<String, byte[]> r, SchemaRegistryUnavailableException e) {
    Backoff.Attempts attempts = registryAttempts;
    if (attempts == null) {
      attempts = config.retry().backoff().attempts(LOG,
          wait -> !stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS));
      registryAttempts = attempts;
    }
    counters.increment(NotifierCounters.REGISTRY_RETRIES);
    try {
      attempts.retryAfter("schema registry unavailable: alert " + r.topic() + "-" + r.partition() + "@" + r.offset()
          + " is read again", e.getMessage());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      stop();
    }
  }

  /**
   * Delivers one alert to its channels; false when a stop interrupted it (its offset is then not committed). Throws
   * {@link SchemaRegistryUnavailableException} when the registry cannot read it now.
   */
  private boolean handle(ConsumerRecord<String, byte[]> r) {
    byte[] json;
    try {
      json = values.json(r.topic(), r.value());
    } catch (IllegalArgumentException e) {
      counters.increment(NotifierCounters.ALERTS_SEEN);
      failures.invalidAlert(r, e);
      return true;
    }
    counters.increment(NotifierCounters.ALERTS_SEEN);
    AlertEvent alert;
    try {
      alert = AlertEvent.parse(json);
    } catch (IllegalArgumentException e) {
      failures.invalidAlert(r, e);
      return true;
    }
    return dispatch.deliver(alert, r);
  }

  private void commitProcessed() {
    if (processed.isEmpty()) {
      return;
    }
    consumer.commitSync(new HashMap<>(processed));
    processed.clear();
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        commitProcessed();
      } catch (RuntimeException e) {
        LOG.warn("could not commit offsets on revocation ({}); the delivery marks keep re-read alerts from being"
            + " delivered again", e.toString());
        processed.clear();
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(processed::remove);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        // another instance may have delivered on these partitions since the marks were read
        deliveryLog.catchUp(STARTUP_TIMEOUT);
        LOG.info("notifier assigned {}", partitions);
      }
    }
  }

  private void shutdown() {
    stopSignal.countDown();
    workers.shutdownNow();
    values.close();
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      try {
        commitProcessed();
      } catch (WakeupException e) {
        try {
          commitProcessed();
        } catch (RuntimeException again) {
          LOG.warn("could not commit the last offsets: {}", again.toString());
        }
      } catch (RuntimeException e) {
        LOG.warn("could not commit the last offsets: {}", e.toString());
      }
      try {
        c.close(CloseOptions.timeout(Duration.ofSeconds(10)));
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer: {}", e.toString());
      }
    }
    if (deliveryLog != null) {
      deliveryLog.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
    LOG.info("notifier stopped; counters: {}", counters.snapshot());
    ready.countDown();
    stopped.countDown();
  }
}
