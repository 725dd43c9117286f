package dev.costpipe.clickhouse.sink;

import static dev.costpipe.contracts.settings.CostpipeSettings.SERDE_VALUE_DESERIALIZER;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_BATCH_ROWS;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_BATCH_TIME;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_DATABASE;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_INSERTS_IN_FLIGHT;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_PASSWORD;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_PASSWORD_FILE;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_RETRY_BACKOFF;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_RETRY_BACKOFF_MAX;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_SOCKET_TIMEOUT;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_URL;
import static dev.costpipe.contracts.settings.CostpipeSettings.SINK_USER;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_COSTS;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_COST_AGGREGATES;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_COST_ALERTS;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_SINK_DEAD_LETTER;

import com.clickhouse.client.api.Client;
import dev.costpipe.contracts.SecretKeys;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.contracts.settings.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Settings of the ClickHouse sink, read from {@code Properties} (a {@code --config} file plus flags) through their
 * declarations ({@link CostpipeSettings}: {@code costpipe.sink.clickhouse.*}, the topics; keys, types, defaults
 * and documentation in {@code docs/settings.md}). The password is never part of the text form.
 *
 * <p>Every other non-{@code costpipe.*} property is a Kafka setting and passes through to the consumer (and, where
 * it is a producer setting, to the dead-letter producer): {@code bootstrap.servers}, {@code group.id} (default
 * {@code costpipe-clickhouse-sink}), security settings, … Two consumer settings are forced because correctness
 * depends on them: {@code enable.auto.commit=false} and {@code isolation.level=read_committed}.
 */
public record ClickHouseSinkConfig(
    String url,
    String database,
    String user,
    String password,
    int batchRows,
    Duration batchTime,
    int insertsInFlight,
    Duration retryBackoff,
    Duration retryBackoffMax,
    Duration socketTimeout,
    String costsTopic,
    String aggregatesTopic,
    String alertsTopic,
    String deadLetterTopic,
    Map<String, String> kafka) {

  public static final String PREFIX = "costpipe.sink.clickhouse.";
  public static final String DEFAULT_GROUP_ID = "costpipe-clickhouse-sink";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public ClickHouseSinkConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(database, "database");
    if (!IDENTIFIER.matcher(database).matches()) {
      throw new IllegalArgumentException(PREFIX + "database must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got '"
          + database + "'");
    }
    Objects.requireNonNull(user, "user");
    password = password == null ? "" : password;
    if (batchRows < 1) {
      throw new IllegalArgumentException(PREFIX + "batch-rows must be at least 1");
    }
    if (insertsInFlight < 1) {
      throw new IllegalArgumentException(PREFIX + "inserts-in-flight must be at least 1");
    }
    if (batchTime.isNegative() || retryBackoff.isNegative() || retryBackoff.isZero()
        || retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException(PREFIX + "batch-time must be >= 0 and 0 < retry-backoff <= retry-backoff-max");
    }
    kafka = Map.copyOf(kafka);
  }

  public static ClickHouseSinkConfig from(Properties p) {
    CostpipeSettings.refuseUnknown(p, PREFIX);
    String password = SINK_PASSWORD.read(p);
    String passwordFile = SINK_PASSWORD_FILE.read(p);
    if (password != null && passwordFile != null) {
      throw new IllegalArgumentException("set " + SINK_PASSWORD.key() + " or " + SINK_PASSWORD_FILE.key()
          + ", not both");
    }
    if (passwordFile != null) {
      try {
        password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        // The message names the file, never its content.
        throw new UncheckedIOException("cannot read " + SINK_PASSWORD_FILE.key() + " " + passwordFile + ": "
            + e.getMessage(), e);
      }
    }
    Map<String, String> kafka = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      // the Avro deserializer's class travels with the serde settings it is configured with
      if (!name.startsWith("costpipe.") || name.equals(SERDE_VALUE_DESERIALIZER.key())) {
        kafka.put(name, p.getProperty(name));
      }
    }
    return new ClickHouseSinkConfig(
        SINK_URL.read(p),
        SINK_DATABASE.read(p),
        SINK_USER.read(p),
        password,
        SINK_BATCH_ROWS.read(p),
        SINK_BATCH_TIME.read(p),
        SINK_INSERTS_IN_FLIGHT.read(p),
        SINK_RETRY_BACKOFF.read(p),
        SINK_RETRY_BACKOFF_MAX.read(p),
        SINK_SOCKET_TIMEOUT.read(p),
        TOPIC_COSTS.read(p),
        TOPIC_COST_AGGREGATES.read(p),
        TOPIC_COST_ALERTS.read(p),
        TOPIC_SINK_DEAD_LETTER.read(p),
        kafka);
  }

  /** The source topics, in table order: costs, aggregates, alerts. */
  public List<String> sourceTopics() {
    return List.of(costsTopic, aggregatesTopic, alertsTopic);
  }

  /** Fully qualified table name in the configured database. */
  public String table(String name) {
    return database + "." + name;
  }

  /** A client-v2 client configured the way that works on ClickHouse 18.16 and current servers. */
  public Client newClient() {
    return new Client.Builder()
        .addEndpoint(url)
        .setUsername(user)
        .setPassword(password)
        // With server response compression on, 0.9.9 reads every 18.16 SELECT body as empty.
        .compressServerResponse(false)
        // The sink retries itself, with backoff and a fresh copy of the rows.
        .setMaxRetries(0)
        .setConnectTimeout(10, ChronoUnit.SECONDS)
        .setSocketTimeout(socketTimeout.toMillis(), ChronoUnit.MILLIS)
        .build();
  }

  /** Consumer properties: pass-through Kafka settings, the defaults above, and the forced ones. */
  public Properties consumerProperties() {
    Properties c = new Properties();
    Set<String> known = ConsumerConfig.configNames();
    kafka.forEach((k, v) -> {
      if (known.contains(k)) {
        c.put(k, v);
      }
    });
    c.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, DEFAULT_GROUP_ID);
    c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.min(batchRows, 5_000)));
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "costpipe-clickhouse-sink");
    // Bigger fetches than the 1 MiB per partition default: fewer round trips for batches of 10,000 records
    // of ~0.7 KB each.
    c.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return c;
  }

  /** Dead-letter producer properties: the pass-through settings a producer knows, idempotent, acks=all. */
  public Properties producerProperties() {
    Properties c = new Properties();
    Set<String> known = ProducerConfig.configNames();
    kafka.forEach((k, v) -> {
      if (known.contains(k) && !k.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
        c.put(k, v);
      }
    });
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "costpipe-clickhouse-sink-dlq");
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return c;
  }

  /** Admin settings (topic creation for the dead-letter topic). */
  public Properties adminProperties() {
    Properties c = new Properties();
    Set<String> known = org.apache.kafka.clients.admin.AdminClientConfig.configNames();
    kafka.forEach((k, v) -> {
      if (known.contains(k)) {
        c.put(k, v);
      }
    });
    return c;
  }

  /**
   * The password is never part of the text form, nor credentials in the URL; Kafka settings that look secret are
   * masked too, and credentials in any URL among them.
   */
  @Override
  public String toString() {
    Map<String, String> shownKafka = new TreeMap<>();
    kafka.forEach((k, v) -> shownKafka.put(k, SecretKeys.shown(k, v)));
    return "ClickHouseSinkConfig[url=" + SecretKeys.maskUrl(url) + ", database=" + database + ", user=" + user
        + ", password=" + (password.isEmpty() ? "(none)" : SecretKeys.MASK) + ", batchRows=" + batchRows
        + ", batchTime=" + Durations.format(batchTime) + ", insertsInFlight=" + insertsInFlight + ", retryBackoff=" + Durations.format(retryBackoff)
        + ", retryBackoffMax=" + Durations.format(retryBackoffMax) + ", socketTimeout="
        + Durations.format(socketTimeout) + ", topics=" + sourceTopics() + ", deadLetterTopic=" + deadLetterTopic
        + ", kafka=" + shownKafka + "]";
  }
}
