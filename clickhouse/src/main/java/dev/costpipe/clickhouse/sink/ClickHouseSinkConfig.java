package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.contracts.SecretKeys;
import dev.costpipe.topology.TopologyConfig;
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
 * Settings of the ClickHouse sink, read from {@code Properties} (a {@code --config} file plus flags):
 *
 * <table>
 * <caption>settings</caption>
 * <tr><td>{@code costpipe.sink.clickhouse.url}</td><td>{@code http://localhost:8123}</td><td>HTTP interface</td></tr>
 * <tr><td>{@code costpipe.sink.clickhouse.database}</td><td>{@code costpipe}</td><td>created if missing</td></tr>
 * <tr><td>{@code costpipe.sink.clickhouse.user}</td><td>{@code default}</td><td></td></tr>
 * <tr><td>{@code costpipe.sink.clickhouse.password} / {@code .password-file}</td><td>empty</td><td>never logged</td></tr>
 * <tr><td>{@code costpipe.sink.clickhouse.batch-rows}</td><td>10000</td><td>rows per table and batch</td></tr>
 * <tr><td>{@code costpipe.sink.clickhouse.batch-ms}</td><td>1000</td><td>longest a row waits in memory</td></tr>
 * <tr><td>{@code costpipe.sink.clickhouse.retry-backoff-ms} / {@code .retry-backoff-max-ms}</td><td>200 / 30000</td>
 *     <td>exponential backoff while ClickHouse or Kafka is unavailable</td></tr>
 * <tr><td>{@code costpipe.sink.clickhouse.socket-timeout-ms}</td><td>120000</td><td>per ClickHouse request</td></tr>
 * <tr><td>{@code costpipe.topic.sink-dead-letter}</td><td>{@code llm.sink.dlq}</td><td>refused records</td></tr>
 * </table>
 *
 * <p>Topic names come from {@link TopologyConfig} ({@code costpipe.topic.costs}, {@code .cost-aggregates},
 * {@code .cost-alerts}). Every other non-{@code costpipe.*} property is a Kafka setting and passes through to
 * the consumer (and, where it is a producer setting, to the dead-letter producer): {@code bootstrap.servers},
 * {@code group.id} (default {@code costpipe-clickhouse-sink}), security settings, … Two consumer settings are
 * forced because correctness depends on them: {@code enable.auto.commit=false} and
 * {@code isolation.level=read_committed}.
 */
public record ClickHouseSinkConfig(
    String url,
    String database,
    String user,
    String password,
    int batchRows,
    Duration batchTime,
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
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "llm.sink.dlq";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public ClickHouseSinkConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(database, "database");
    if (!IDENTIFIER.matcher(database).matches()) {
      throw new IllegalArgumentException(PREFIX + "database must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got '"
          + database + "'");
    }
    user = user == null ? "default" : user;
    password = password == null ? "" : password;
    if (batchRows < 1) {
      throw new IllegalArgumentException(PREFIX + "batch-rows must be at least 1");
    }
    if (batchTime.isNegative() || retryBackoff.isNegative() || retryBackoff.isZero()
        || retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException(PREFIX + "batch-ms must be >= 0 and 0 < retry-backoff-ms <= retry-backoff-max-ms");
    }
    kafka = Map.copyOf(kafka);
  }

  private static final Set<String> SETTINGS = Set.of("url", "database", "user", "password", "password-file",
      "batch-rows", "batch-ms", "retry-backoff-ms", "retry-backoff-max-ms", "socket-timeout-ms");

  public static ClickHouseSinkConfig from(Properties p) {
    for (String name : p.stringPropertyNames()) {
      if (name.startsWith(PREFIX) && !SETTINGS.contains(name.substring(PREFIX.length()))) {
        throw new IllegalArgumentException("unknown setting " + name + "; known: " + new java.util.TreeSet<>(SETTINGS)
            .stream().map(s -> PREFIX + s).toList());
      }
    }
    TopologyConfig topics = TopologyConfig.from(p);
    String password = p.getProperty(PREFIX + "password");
    String passwordFile = p.getProperty(PREFIX + "password-file");
    if (password != null && passwordFile != null) {
      throw new IllegalArgumentException("set " + PREFIX + "password or " + PREFIX + "password-file, not both");
    }
    if (passwordFile != null) {
      try {
        password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        // The message names the file, never its content.
        throw new UncheckedIOException("cannot read " + PREFIX + "password-file " + passwordFile + ": " + e.getMessage(), e);
      }
    }
    Map<String, String> kafka = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      // the Avro deserializer's class travels with the serde settings it is configured with
      if (!name.startsWith("costpipe.") || name.equals(JsonOrAvroValues.VALUE_DESERIALIZER)) {
        kafka.put(name, p.getProperty(name));
      }
    }
    return new ClickHouseSinkConfig(
        p.getProperty(PREFIX + "url", "http://localhost:8123"),
        p.getProperty(PREFIX + "database", "costpipe"),
        p.getProperty(PREFIX + "user", "default"),
        password,
        intSetting(p, "batch-rows", 10_000),
        Duration.ofMillis(intSetting(p, "batch-ms", 1_000)),
        Duration.ofMillis(intSetting(p, "retry-backoff-ms", 200)),
        Duration.ofMillis(intSetting(p, "retry-backoff-max-ms", 30_000)),
        Duration.ofMillis(intSetting(p, "socket-timeout-ms", 120_000)),
        topics.costsTopic(),
        topics.aggregatesTopic(),
        topics.alertsTopic(),
        p.getProperty("costpipe.topic.sink-dead-letter", DEFAULT_DEAD_LETTER_TOPIC),
        kafka);
  }

  private static int intSetting(Properties p, String name, int dflt) {
    String v = p.getProperty(PREFIX + name);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + name + " must be an integer, got '" + v + "'");
    }
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

  /** The password is never part of the text form; Kafka settings that look secret are masked too. */
  @Override
  public String toString() {
    Map<String, String> shownKafka = new TreeMap<>();
    kafka.forEach((k, v) -> shownKafka.put(k, SecretKeys.shown(k, v)));
    return "ClickHouseSinkConfig[url=" + url + ", database=" + database + ", user=" + user
        + ", password=" + (password.isEmpty() ? "(none)" : SecretKeys.MASK) + ", batchRows=" + batchRows
        + ", batchTime=" + batchTime + ", retryBackoff=" + retryBackoff + ", retryBackoffMax=" + retryBackoffMax
        + ", socketTimeout=" + socketTimeout + ", topics=" + sourceTopics() + ", deadLetterTopic=" + deadLetterTopic
        + ", kafka=" + shownKafka + "]";
  }
}
