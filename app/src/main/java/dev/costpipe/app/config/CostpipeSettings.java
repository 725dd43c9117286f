package dev.costpipe.app.config;

import static dev.costpipe.app.config.Component.RUN;
import static dev.costpipe.app.config.Component.SINK;
import static dev.costpipe.app.config.SettingType.BOOLEAN;
import static dev.costpipe.app.config.SettingType.DURATION;
import static dev.costpipe.app.config.SettingType.DURATION_LIST;
import static dev.costpipe.app.config.SettingType.FILE;
import static dev.costpipe.app.config.SettingType.HTTP_URL;
import static dev.costpipe.app.config.SettingType.INT;
import static dev.costpipe.app.config.SettingType.PORT;
import static dev.costpipe.app.config.SettingType.STRING;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code costpipe.*} setting of the properties files, in one place: {@code config check} refuses any
 * other. The defaults are the ones {@code TopologyConfig} and {@code ClickHouseSinkConfig} apply (a test
 * keeps them equal); a new setting is one line here.
 */
public final class CostpipeSettings {
  public static final String METRICS_PORT = "costpipe.metrics.port";

  private static final Map<String, Setting> ALL = new LinkedHashMap<>();
  /** Settings of which only one may be given: a higher layer's choice drops a lower layer's other one. */
  private static final List<Set<String>> ALTERNATIVES = List.of(
      Set.of("costpipe.sink.clickhouse.password", "costpipe.sink.clickhouse.password-file"));

  static {
    Set<Component> run = Set.of(RUN);
    Set<Component> sink = Set.of(SINK);
    Set<Component> both = Set.of(RUN, SINK);
    add("costpipe.topic.raw-events", STRING, "llm.raw-events", run);
    add("costpipe.topic.pricing", STRING, "llm.pricing", run);
    add("costpipe.topic.alert-rules", STRING, "llm.alert-rules", run);
    add("costpipe.topic.costs", STRING, "llm.costs", both);
    add("costpipe.topic.cost-aggregates", STRING, "llm.cost-aggregates", both);
    add("costpipe.topic.cost-alerts", STRING, "llm.cost-alerts", both);
    add("costpipe.topic.dead-letter", STRING, "llm.raw-events.dlq", run);
    add("costpipe.topic.sink-dead-letter", STRING, "llm.sink.dlq", sink);
    add("costpipe.topics.partitions", INT, null, run);
    add("costpipe.topics.replication-factor", INT, null, run);
    add("costpipe.merge.inactivity-timeout", DURATION, "PT10M", run);
    add("costpipe.merge.dedup-window", DURATION, "PT24H", run);
    add("costpipe.merge.punctuate-interval", DURATION, "PT10S", run);
    add("costpipe.merge.max-events-per-request", INT, "20000", run);
    add("costpipe.aggregate.windows", DURATION_LIST, "PT1H,P1D", run);
    add("costpipe.aggregate.grace", DURATION, "PT10M", run);
    add("costpipe.pricing.bootstrap-catalogue", BOOLEAN, "true", run);
    add("costpipe.serde.format", STRING, "json", run);
    add("costpipe.serde.value-serializer", STRING, null, run);
    add("costpipe.serde.value-deserializer", STRING, null, sink);
    add("costpipe.sink.clickhouse.url", HTTP_URL, "http://localhost:8123", sink);
    add("costpipe.sink.clickhouse.database", STRING, "costpipe", sink);
    add("costpipe.sink.clickhouse.user", STRING, "default", sink);
    add("costpipe.sink.clickhouse.password", STRING, null, sink);
    add("costpipe.sink.clickhouse.password-file", FILE, null, sink);
    add("costpipe.sink.clickhouse.batch-rows", INT, "10000", sink);
    add("costpipe.sink.clickhouse.batch-ms", INT, "1000", sink);
    add("costpipe.sink.clickhouse.retry-backoff-ms", INT, "200", sink);
    add("costpipe.sink.clickhouse.retry-backoff-max-ms", INT, "30000", sink);
    add("costpipe.sink.clickhouse.socket-timeout-ms", INT, "120000", sink);
    // default per component: Component.defaultMetricsPort()
    add(METRICS_PORT, PORT, null, Set.of(Component.values()));
  }

  private CostpipeSettings() {}

  private static void add(String key, SettingType type, String dflt, Set<Component> components) {
    ALL.put(key, new Setting(key, type, dflt, components));
  }

  public static Optional<Setting> get(String key) {
    return Optional.ofNullable(ALL.get(key));
  }

  public static List<Setting> all() {
    return List.copyOf(ALL.values());
  }

  public static List<Set<String>> alternatives() {
    return ALTERNATIVES;
  }

  /** The default of a setting for a component (the metrics port differs per component). */
  public static String defaultFor(Setting s, Component c) {
    return s.key().equals(METRICS_PORT) ? Integer.toString(c.defaultMetricsPort()) : s.defaultValue();
  }
}
