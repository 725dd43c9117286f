package dev.costpipe.topology.app;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.topology.CostpipeTopology;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.pricing.PricingHolder;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: creates missing topics, sets the configs its stores need on changelogs made by an
 * earlier version, publishes the built-in catalogue to an empty pricing topic (unless {@code
 * costpipe.pricing.bootstrap-catalogue=false}), then runs the topology with exactly-once processing until closed.
 */
public final class CostpipeApplication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CostpipeApplication.class);

  /** Largest changelog/repartition record: a few events of the 16 MiB limit. */
  static final int STATE_RECORD_MAX_BYTES = 64 << 20;
  /**
   * Between exactly-once commits (Kafka's default: 100 ms). Each commit ends a transaction over some forty
   * partitions (outputs, changelogs, repartition topics) and flushes the record cache: at 100 ms the broker spent
   * more CPU per event on costpipe's transactions than the application on its own work. A cost record becomes
   * visible to read_committed consumers at the commit after it is written.
   */
  public static final long COMMIT_INTERVAL_MS = 500;
  /** Kafka Streams' record cache of each instance (Kafka's default: 10 MB). */
  static final long RECORD_CACHE_BYTES = 32L << 20;
  private static final Backoff METADATA_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

  private final Properties settings;
  private final TopologyConfig config;
  private final PipelineCounters counters = new PipelineCounters();
  private final AlertRulesHolder alertRules = new AlertRulesHolder();
  private volatile KafkaStreams streams;

  /** @param settings Kafka Streams settings plus {@code costpipe.*} ones, all passed through */
  public CostpipeApplication(Properties settings) {
    this.settings = withDefaults(settings);
    this.config = TopologyConfig.from(this.settings);
  }

  static Properties withDefaults(Properties given) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "costpipe");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RefusedWriteHandler.class.getName());
    // one open request (its events, e.g. a 10 MB prompt) is one changelog record and a re-keyed event one
    // repartition record: both must fit, or the producer's refusal would stop the stream thread
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), STATE_RECORD_MAX_BYTES);
    p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), STATE_RECORD_MAX_BYTES);
    // with Kafka's 10 MB the aggregates' windows fill the record cache and evict open requests, each eviction
    // a changelog write: 32 MiB cut the open-requests changelog from 3.6 records per request to 1 (bench)
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, RECORD_CACHE_BYTES);
    p.putAll(given);
    return p;
  }

  public PipelineCounters counters() {
    return counters;
  }

  public TopologyConfig config() {
    return config;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** The alert rules in force as the running topology keeps them (empty until it has read its global store). */
  public AlertRulesHolder alertRules() {
    return alertRules;
  }

  /**
   * Where this instance answers interactive queries, told to the others through Kafka Streams' metadata
   * ({@code application.server}: {@code host:port}); a value in the settings wins. Before {@link #start}.
   *
   * @return the address in force
   */
  public HostInfo advertiseQueriesAt(HostInfo address) {
    settings.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, address.host() + ":" + address.port());
    return HostInfo.buildFromEndpoint(settings.get(StreamsConfig.APPLICATION_SERVER_CONFIG).toString());
  }

  /** Prepares topics and prices, then starts processing; returns once started. */
  public void start() throws InterruptedException, ExecutionException {
    Properties kafka = clientSettings();
    int rawPartitions;
    try (Admin admin = Admin.create(kafka)) {
      TopicProvisioner.createMissing(admin, config, settings);
      TopicProvisioner.alignChangelogs(admin, config, settings.get(StreamsConfig.APPLICATION_ID_CONFIG).toString());
      rawPartitions = partitions(admin, config.rawEventsTopic());
    }
    if (config.bootstrapCatalogue() && PricingPublisher.isEmpty(kafka, config.pricingTopic())) {
      int n = PricingPublisher.publish(kafka, config.pricingTopic(), CatalogueLoader.builtIn().entries());
      LOG.info("{} was empty: published the built-in catalogue ({} entries)", config.pricingTopic(), n);
    }
    var topology = new CostpipeTopology(config, new PricingHolder(), alertRules, counters, rawPartitions)
        .build();
    Properties streamsSettings = new Properties();
    streamsSettings.putAll(settings);
    streamsSettings.put(RefusedWriteHandler.COUNTERS, counters);
    streamsSettings.put(RefusedWrites.SETTING, new RefusedWrites());
    streamsSettings.put(RefusedWriteDiverter.DEAD_LETTER_TOPIC, config.deadLetterTopic());
    streamsSettings.put(StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG),
        RefusedWriteDiverter.class.getName());
    streams = new KafkaStreams(topology, streamsSettings);
    streams.setUncaughtExceptionHandler(e -> {
      counters.increment("streams.thread_replaced");
      LOG.error("stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
          .REPLACE_THREAD;
    });
    streams.setStateListener((now, before) -> LOG.info("Kafka Streams state {} -> {}", before, now));
    streams.start();
    LOG.info("costpipe started: application.id={}, {} -> {}", settings.get(StreamsConfig.APPLICATION_ID_CONFIG),
        config.rawEventsTopic(), config.costsTopic());
  }

  /**
   * The topic's partition count; retried while the broker answering does not know a topic just created yet
   * (its metadata reaches the brokers a moment after the creation is acknowledged).
   */
  private static int partitions(Admin admin, String topic) throws InterruptedException, ExecutionException {
    Backoff.Attempts attempts = METADATA_BACKOFF.attempts(20, LOG, Backoff.THREAD_SLEEP);
    while (true) {
      try {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempts.isLast()) {
          throw e;
        }
        attempts.retryAfter("describing " + topic, "not known yet to the broker answering");
      }
    }
  }

  /** The settings a plain client (admin, producer, consumer) needs: connection and security only. */
  Properties clientSettings() {
    Properties p = new Properties();
    for (String name : settings.stringPropertyNames()) {
      if (name.startsWith("security.") || name.startsWith("sasl.") || name.startsWith("ssl.")
          || name.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
          || name.equals(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG)) {
        p.put(name, settings.getProperty(name));
      }
    }
    p.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    return p;
  }

  /**
   * Runs the application from a properties file until the JVM is stopped: {@code java -cp …
   * dev.costpipe.topology.app.CostpipeApplication costpipe.properties}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: CostpipeApplication <settings.properties>");
      System.exit(2);
    }
    Properties settings = new Properties();
    try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(args[0]))) {
      settings.load(in);
    }
    CostpipeApplication app = new CostpipeApplication(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "costpipe-shutdown"));
    app.start();
    Thread.currentThread().join();
  }

  @Override
  public void close() {
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
      LOG.info("costpipe stopped; counters {}", counters.snapshot());
    }
  }
}
