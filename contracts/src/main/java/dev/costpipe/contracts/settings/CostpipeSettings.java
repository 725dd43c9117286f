package dev.costpipe.contracts.settings;

import static dev.costpipe.contracts.settings.Component.INGEST;
import static dev.costpipe.contracts.settings.Component.NOTIFY;
import static dev.costpipe.contracts.settings.Component.RUN;
import static dev.costpipe.contracts.settings.Component.SINK;
import static dev.costpipe.contracts.settings.SettingType.BOOLEAN;
import static dev.costpipe.contracts.settings.SettingType.CLASS;
import static dev.costpipe.contracts.settings.SettingType.DURATION;
import static dev.costpipe.contracts.settings.SettingType.DURATIONS;
import static dev.costpipe.contracts.settings.SettingType.FILE;
import static dev.costpipe.contracts.settings.SettingType.HTTP_URL;
import static dev.costpipe.contracts.settings.SettingType.INT;
import static dev.costpipe.contracts.settings.SettingType.MILLIS;
import static dev.costpipe.contracts.settings.SettingType.PORT;
import static dev.costpipe.contracts.settings.SettingType.STRING;
import static dev.costpipe.contracts.settings.SettingType.TOPIC;

import dev.costpipe.contracts.avro.serde.AvroDeserializer;
import dev.costpipe.contracts.avro.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every {@code costpipe.*} setting of the properties files, each declared once: key, type, default, the
 * components that read it, secret or not, and its documentation. The components read their values through these
 * declarations ({@link Setting#read}); {@code costpipe config check}, the environment variables ({@link EnvNames})
 * and {@code docs/settings.md} ({@link SettingsDoc}) are derived from them. A new setting is one line here.
 */
public final class CostpipeSettings {
  private static final Map<String, Setting<?>> ALL = new LinkedHashMap<>();
  private static final Map<String, Setting<?>> BY_OLD_NAME = new LinkedHashMap<>();

  private static final Set<Component> RUN_ONLY = Set.of(RUN);
  private static final Set<Component> SINK_ONLY = Set.of(SINK);
  private static final Set<Component> RUN_AND_SINK = Set.of(RUN, SINK);

  // The topics: every topic run and sink read or write.
  public static final Setting<String> TOPIC_RAW_EVENTS = define("costpipe.topic.raw-events", TOPIC,
      "llm.raw-events", Set.of(RUN, INGEST), "Raw LLM API traffic: the pipeline's input (ingest writes to it).");
  public static final Setting<String> INPUT_OTLP_TOPIC = define("costpipe.input.otlp-topic", STRING, null,
      RUN_ONLY, "A topic of OpenTelemetry spans as the Collector's Kafka exporter writes them (its default: "
      + "otlp_spans): GenAI spans read as usage events beside the raw events (default: none).");
  public static final Setting<String> INPUT_OTLP_ENCODING = define("costpipe.input.otlp-encoding", STRING,
      "otlp_proto", RUN_ONLY, "Encoding of that topic's records, as the Collector's Kafka exporter names it: "
      + "otlp_proto or otlp_json.");
  public static final Setting<String> TOPIC_PRICING = define("costpipe.topic.pricing", TOPIC,
      "llm.pricing", RUN_ONLY, "Price catalogue entries (compacted).");
  public static final Setting<String> TOPIC_ALERT_RULES = define("costpipe.topic.alert-rules", TOPIC,
      "llm.alert-rules", RUN_ONLY, "Budget alert rules (compacted).");
  public static final Setting<String> TOPIC_COSTS = define("costpipe.topic.costs", TOPIC,
      "llm.costs", RUN_AND_SINK, "One cost record per request.");
  public static final Setting<String> TOPIC_COST_AGGREGATES = define("costpipe.topic.cost-aggregates", TOPIC,
      "llm.cost-aggregates", RUN_AND_SINK, "Windowed cost aggregates.");
  public static final Setting<String> TOPIC_COST_ALERTS = define("costpipe.topic.cost-alerts", TOPIC,
      "llm.cost-alerts", RUN_AND_SINK, "Budget alert events (the notifier reads them too: its topics.alerts).");
  public static final Setting<String> TOPIC_DEAD_LETTER = define("costpipe.topic.dead-letter", TOPIC,
      "llm.raw-events.dlq", RUN_ONLY, "Raw events run refused, the reason in their headers.");
  public static final Setting<String> TOPIC_SINK_DEAD_LETTER = define("costpipe.topic.sink-dead-letter", TOPIC,
      "llm.sink.dlq", SINK_ONLY, "Records the sink refused, the reason in their headers.");
  public static final Setting<Integer> TOPICS_PARTITIONS = define("costpipe.topics.partitions", INT,
      null, RUN_ONLY, "Partitions of the topics run creates (default: the cluster's).");
  public static final Setting<Integer> TOPICS_REPLICATION_FACTOR = define("costpipe.topics.replication-factor",
      INT, null, RUN_ONLY, "Replication factor of the topics run creates (default: the cluster's).");

  // run: merge, windows, pricing, output format.
  public static final Setting<Duration> MERGE_INACTIVITY_TIMEOUT = define("costpipe.merge.inactivity-timeout",
      DURATION, "10m", RUN_ONLY,
      "A request with no new event for this long (by stream time, or by wall clock once its task is no longer fed "
      + "records, counted from the task's start at the earliest) is emitted as incomplete; a late event then "
      + "makes a corrected revision.");
  public static final Setting<Duration> MERGE_DEDUP_WINDOW = define("costpipe.merge.dedup-window", DURATION,
      "1d", RUN_ONLY, "A request_id completed within this window is not counted again (a producer's retry); a "
      + "request emitted incomplete keeps its events this long, for late events to correct it.");
  public static final Setting<Duration> MERGE_PUNCTUATE_INTERVAL = define("costpipe.merge.punctuate-interval",
      DURATION, "10s", RUN_ONLY, "How often idle requests are looked for.");
  public static final Setting<Integer> MERGE_MAX_EVENTS_PER_REQUEST = define(
      "costpipe.merge.max-events-per-request", INT, "20000", RUN_ONLY,
      "A request holding more events is emitted as incomplete, so one request's state stays bounded.");
  public static final Setting<Boolean> MERGE_USAGE_EVENTS_REVISABLE_BY_RAW = define(
      "costpipe.merge.usage-events-revisable-by-raw", BOOLEAN, "true", RUN_ONLY,
      "Raw events of a request already priced from its usage event alone replace that cost as its next revision, "
      + "so every such cost record is kept about twice the dedup window plus the inactivity timeout; false (when "
      + "only usage events are sent): such a cost is final at once, kept nowhere, and raw events of it coming "
      + "after are counted (merge.raw_after_usage_event_final) and dropped. Raw events before it win either way.");
  public static final Setting<Duration> EVENT_TIME_MAX_FUTURE = define("costpipe.event-time.max-future", DURATION,
      "5m", RUN_ONLY, "An event timestamped further ahead of its broker (ingestion) time is priced at its ingestion "
      + "time and flagged in errors.");
  public static final Setting<List<Duration>> AGGREGATE_WINDOWS = define("costpipe.aggregate.windows", DURATIONS,
      "1h,1d", RUN_ONLY, "Tumbling window sizes of the aggregates.");
  public static final Setting<Duration> AGGREGATE_GRACE = define("costpipe.aggregate.grace", DURATION, "10m",
      RUN_ONLY, "How late an event may be and still count in its window.");
  public static final Setting<Duration> AGGREGATE_COMBINE_INTERVAL = define("costpipe.aggregate.combine-interval",
      DURATION, "500ms", RUN_ONLY, "How long each task sums contributions per dimension value and hour before sending "
      + "them to the aggregates: fewer records, aggregates this much later; 0s sends each contribution at once.");
  public static final Setting<Boolean> PRICING_BOOTSTRAP_CATALOGUE = define("costpipe.pricing.bootstrap-catalogue",
      BOOLEAN, "true", RUN_ONLY, "Publish the built-in price catalogue when the pricing topic is empty.");
  public static final Setting<String> SERDE_FORMAT = define("costpipe.serde.format", STRING, "json", RUN_ONLY,
      "Value format of the output topics: json or avro (through a schema registry).");
  public static final Setting<String> SERDE_VALUE_SERIALIZER = define("costpipe.serde.value-serializer", CLASS,
      AvroSerializer.class.getName(), RUN_ONLY, "The Avro serializer (Confluent's KafkaAvroSerializer works too).");
  public static final Setting<String> SERDE_VALUE_DESERIALIZER = define("costpipe.serde.value-deserializer", CLASS,
      AvroDeserializer.class.getName(), SINK_ONLY,
      "The Avro deserializer of Avro values (Confluent's KafkaAvroDeserializer works too).");

  // sink
  public static final Setting<String> SINK_URL = define("costpipe.sink.clickhouse.url", HTTP_URL,
      "http://localhost:8123", SINK_ONLY, "ClickHouse's HTTP interface.");
  public static final Setting<String> SINK_DATABASE = define("costpipe.sink.clickhouse.database", STRING,
      "costpipe", SINK_ONLY, "The database, created if missing; a plain identifier.");
  public static final Setting<String> SINK_USER = define("costpipe.sink.clickhouse.user", STRING, "default",
      SINK_ONLY, "ClickHouse user.");
  public static final Setting<String> SINK_PASSWORD = defineSecret("costpipe.sink.clickhouse.password", SINK_ONLY,
      "ClickHouse password (prefer the environment or the password file).");
  public static final Setting<String> SINK_PASSWORD_FILE = define("costpipe.sink.clickhouse.password-file", FILE,
      null, SINK_ONLY, "A file holding the password (its trailing newline dropped).");
  public static final Setting<Integer> SINK_BATCH_ROWS = define("costpipe.sink.clickhouse.batch-rows", INT,
      "25000", SINK_ONLY, "Rows per table and batch (one insert each; from ~25,000 rows ClickHouse spends about half"
      + " the CPU per row of 10,000-row inserts).");
  public static final Setting<Integer> SINK_INSERTS_IN_FLIGHT = define("costpipe.sink.clickhouse.inserts-in-flight",
      INT, "2", SINK_ONLY, "Batches written at once while the sink reads on; memory holds up to this many"
      + " batches plus the one being filled ((inserts-in-flight + 1) × batch-rows rows per table, each row its"
      + " record and its RowBinary bytes: ~1.6 KB for a 1 KB cost record), offsets are committed in order.");
  public static final Setting<Duration> SINK_BATCH_TIME = renamed("costpipe.sink.clickhouse.batch-time", "1s",
      "Longest a row waits in memory before its batch is written.", "costpipe.sink.clickhouse.batch-ms");
  public static final Setting<Duration> SINK_RETRY_BACKOFF = renamed("costpipe.sink.clickhouse.retry-backoff",
      "200ms", "First wait while ClickHouse or Kafka is unavailable; doubles each time.",
      "costpipe.sink.clickhouse.retry-backoff-ms");
  public static final Setting<Duration> SINK_RETRY_BACKOFF_MAX = renamed(
      "costpipe.sink.clickhouse.retry-backoff-max", "30s", "Longest wait between two attempts.",
      "costpipe.sink.clickhouse.retry-backoff-max-ms");
  public static final Setting<Duration> SINK_SOCKET_TIMEOUT = renamed("costpipe.sink.clickhouse.socket-timeout",
      "2m", "Longest wait for one ClickHouse request's answer.", "costpipe.sink.clickhouse.socket-timeout-ms");
  public static final Setting<Duration> SINK_RETENTION = define("costpipe.sink.clickhouse.retention", DURATION, null,
      SINK_ONLY, "How long request_costs keeps a request: `costpipe clickhouse retention` drops the weeks that ended"
          + " before now minus this (unset: keep everything).");

  /** Its default differs per component: {@link Component#defaultMetricsPort()}. */
  public static final Setting<Integer> METRICS_PORT = define("costpipe.metrics.port", PORT, null,
      Set.of(RUN, SINK, NOTIFY, INGEST), "Port of /metrics and /health/*: -1 off, 0 any free port.");

  // Every HTTP endpoint costpipe serves (metrics and health now): one server, these settings.
  public static final Setting<String> HTTP_BIND_ADDRESS = define("costpipe.http.bind-address", STRING, "127.0.0.1",
      Set.of(RUN, SINK, NOTIFY, INGEST), "Address the HTTP endpoints listen on: 0.0.0.0 for every interface (as the"
          + " Kubernetes manifests set it), or one interface's address.");
  public static final Setting<String> HTTP_TOKENS_FILE = define("costpipe.http.tokens-file", FILE, null,
      Set.of(RUN, SINK, NOTIFY, INGEST), "A file of bearer tokens, one per line (blank lines and # comments"
          + " skipped): when set, every HTTP endpoint but the probes /health/live and /health/ready requires"
          + " `Authorization: Bearer <token>`. A token may be followed by `name=value` properties that ingest adds"
          + " to every event sent with it (e.g. `tok-123 tenant=acme`).");

  // costpipe ingest: the HTTP endpoint producing OTLP, LiteLLM and envelope posts to the raw-events topic.
  public static final Setting<Integer> INGEST_PORT = define("costpipe.ingest.port", PORT, "4318", Set.of(INGEST),
      "Port of ingest's /v1/traces, /v1/litellm, /v1/events (4318: OTLP/HTTP's standard port); on"
          + " costpipe.http.bind-address. --listen HOST:PORT sets both.");
  public static final Setting<Integer> INGEST_MAX_BODY_BYTES = define("costpipe.ingest.max-body-bytes", INT,
      "16777216", Set.of(INGEST), "Largest body accepted, after decompression (larger: 413).");
  public static final Setting<Duration> INGEST_ACK_TIMEOUT = define("costpipe.ingest.ack-timeout", DURATION, "10s",
      Set.of(INGEST), "How long a request waits for Kafka to acknowledge its events before it is answered 503.");
  public static final Setting<Integer> INGEST_THREADS = define("costpipe.ingest.threads", INT, "16",
      Set.of(INGEST), "Requests served at once (each holds its thread until Kafka acknowledged).");
  public static final Setting<Duration> INGEST_DRAIN_TIMEOUT = define("costpipe.ingest.drain-timeout", DURATION,
      "10s", Set.of(INGEST), "On shutdown, how long requests in flight may take to finish.");
  public static final Setting<String> INGEST_SPOOL_DIR = define("costpipe.ingest.spool-dir", STRING, null,
      Set.of(INGEST), "Directory of the durable spool: events Kafka did not acknowledge within"
          + " costpipe.ingest.ack-timeout are written there (fsync before the 2xx) and replayed once Kafka is back,"
          + " also after a restart. Unset: no spool, such a request is answered 503. Put it on a disk that outlives"
          + " the process (a volume, not a container's own layer); one ingest process per directory.");
  public static final Setting<Integer> INGEST_SPOOL_MAX_MB = define("costpipe.ingest.spool-max-mb", INT, "1024",
      Set.of(INGEST), "Most the spool may hold, in MiB; a body that does not fit is answered 503 with Retry-After."
          + " Size it as outage length × event rate × about 350 bytes an event (docs/ingest.md).");

  /** Settings of which only one may be given: a higher layer's choice drops a lower layer's other one. */
  private static final List<Set<String>> ALTERNATIVES = alternatives(SINK_PASSWORD, SINK_PASSWORD_FILE);

  private CostpipeSettings() {}

  private static <T> Setting<T> define(String key, SettingType<T> type, String dflt, Set<Component> components,
      String doc) {
    return register(new Setting<>(key, type, dflt, components, false, doc, null));
  }

  /** A secret string without default: never shown. */
  private static Setting<String> defineSecret(String key, Set<Component> components, String doc) {
    return register(new Setting<>(key, STRING, null, components, true, doc, null));
  }

  /** A duration of the sink that was once given in milliseconds under {@code oldKey}. */
  private static Setting<Duration> renamed(String key, String dflt, String doc, String oldKey) {
    return register(new Setting<>(key, DURATION, dflt, SINK_ONLY, false, doc, new Setting.OldName<>(oldKey, MILLIS)));
  }

  private static <T> Setting<T> register(Setting<T> s) {
    ALL.put(s.key(), s);
    if (s.oldName() != null) {
      BY_OLD_NAME.put(s.oldName().key(), s);
    }
    return s;
  }

  private static List<Set<String>> alternatives(Setting<?> a, Setting<?> b) {
    List<Set<String>> out = new ArrayList<>(List.of(Set.of(a.key(), b.key())));
    BY_OLD_NAME.forEach((old, s) -> out.add(Set.of(old, s.key())));
    return List.copyOf(out);
  }

  public static Optional<Setting<?>> get(String key) {
    return Optional.ofNullable(ALL.get(key));
  }

  /** The setting an old key names ({@code costpipe.sink.clickhouse.batch-ms}: {@code .batch-time}). */
  public static Optional<Setting<?>> renamedFrom(String oldKey) {
    return Optional.ofNullable(BY_OLD_NAME.get(oldKey));
  }

  public static List<Setting<?>> all() {
    return List.copyOf(ALL.values());
  }

  /** Pairs of keys of which one is given at most: the password and its file, a setting and its old name. */
  public static List<Set<String>> alternatives() {
    return ALTERNATIVES;
  }

  /** The default of a setting for a component (the metrics port differs per component); null: none. */
  public static String defaultFor(Setting<?> s, Component c) {
    return s == METRICS_PORT ? Integer.toString(c.defaultMetricsPort()) : s.defaultValue();
  }

  /**
   * Refuses a key under {@code prefix} that names no setting (nor an old name of one): a misspelt setting must not
   * silently mean its default.
   */
  public static void refuseUnknown(Properties p, String prefix) {
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      if (key.startsWith(prefix) && !ALL.containsKey(key) && !BY_OLD_NAME.containsKey(key)) {
        throw new IllegalArgumentException("unknown setting " + key
            + Suggestions.closest(key, ALL.keySet()).map(s -> "; did you mean " + s + "?").orElse(""));
      }
    }
  }
}
