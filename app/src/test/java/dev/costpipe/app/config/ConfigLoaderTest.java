package dev.costpipe.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.contracts.settings.Component;
import dev.costpipe.topology.TopologyConfig;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private Path file(String... lines) throws Exception {
    return Files.writeString(dir.resolve("c.properties"), String.join("\n", lines));
  }

  @Test
  void flagsBeatEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path f = file("bootstrap.servers=file:9092", "costpipe.merge.inactivity-timeout=PT5M",
        "costpipe.merge.dedup-window=PT1H", "application.id=from-file");
    Map<String, String> env = Map.of("COSTPIPE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
        "COSTPIPE_MERGE_INACTIVITY__TIMEOUT", "PT7M");
    Map<String, String> flags = new HashMap<>();
    flags.put("bootstrap.servers", "flag:9092");
    flags.put("application.id", null);
    LoadedConfig c = ConfigLoader.load(Component.RUN, f, env, flags, true);

    assertThat(c.problems()).isEmpty();
    var v = c.config().values();
    assertThat(v.get("bootstrap.servers")).isEqualTo(new EffectiveConfig.Value("flag:9092", ValueSource.FLAG, null));
    assertThat(v.get("costpipe.merge.inactivity-timeout"))
        .isEqualTo(new EffectiveConfig.Value("PT7M", ValueSource.ENV, "COSTPIPE_MERGE_INACTIVITY__TIMEOUT"));
    assertThat(v.get("costpipe.merge.dedup-window").source()).isEqualTo(ValueSource.FILE);
    assertThat(v.get("application.id").value()).isEqualTo("from-file");
    assertThat(v.get("costpipe.merge.punctuate-interval"))
        .isEqualTo(new EffectiveConfig.Value("10s", ValueSource.DEFAULT, null));
    assertThat(c.metricsPort()).isEqualTo(9464);
    Properties given = c.config().properties();
    assertThat(given).doesNotContainKey("costpipe.merge.punctuate-interval");
    assertThat(TopologyConfig.from(given).inactivityTimeout()).hasMinutes(7);
  }

  @Test
  void unknownAndMistypedSettingsAreNamed() throws Exception {
    Path f = file("bootstrap.server=x:9092", "costpipe.merge.inactivty-timeout=PT1M", "costpipe.metrics.port=70000",
        "costpipe.merge.dedup-window=soon", "costpipe.aggregate.windows=PT1H,often", "acks=some",
        "costpipe.sink.clickhouse.url=http://ch:8123", "costpipe.pricing.bootstrap-catalogue=yes",
        "main.consumer.max.poll.records=many", "topic.min.insync.replicas=2", "producer.linger.ms=5");
    LoadedConfig c = ConfigLoader.load(Component.RUN, f, Map.of("COSTPIPE_METRICS_PROT", "1",
        "COSTPIPE_JAVA_OPTS", "-Xmx1g"), Map.of(), true);

    assertThat(c.valid()).isFalse();
    assertThat(c.errors()).map(Problem::message).containsExactlyInAnyOrder(
        "costpipe.merge.inactivty-timeout: unknown setting; did you mean costpipe.merge.inactivity-timeout?",
        "costpipe.metrics.port: must be -1 (off), 0 (any free port) or 1..65535, got 70000",
        "costpipe.merge.dedup-window: not a duration: 'soon' (use 500ms, 30s, 5m, 1h, 1d, or ISO-8601 like PT10M)",
        "costpipe.aggregate.windows: not a duration: 'often' (use 500ms, 30s, 5m, 1h, 1d, or ISO-8601 like PT10M)",
        "costpipe.pricing.bootstrap-catalogue: must be true or false, got 'yes'",
        "acks: Invalid value some for configuration acks: String must be one of: all, -1, 0, 1",
        "main.consumer.max.poll.records: Invalid value many for configuration max.poll.records: Not a number of type INT",
        "bootstrap.servers: required (--bootstrap-server, bootstrap.servers in --config, or COSTPIPE_KAFKA_BOOTSTRAP_SERVERS)");
    assertThat(c.warnings()).map(Problem::message).containsExactlyInAnyOrder(
        "environment variable COSTPIPE_METRICS_PROT names no setting, ignored; did you mean COSTPIPE_METRICS_PORT?",
        "bootstrap.server: not a Kafka Streams, consumer, producer or admin setting (passed through anyway);"
            + " did you mean bootstrap.servers?",
        "costpipe.sink.clickhouse.url: not read by run (read by sink)");
    assertThat(c.errorMessage()).contains("did you mean costpipe.merge.inactivity-timeout?");
  }

  @Test
  void secretsAreMaskedAndPathsToThemAreNot() throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "file-password\n");
    Path f = file("bootstrap.servers=k:9092", "sasl.jaas.config=PlainLoginModule required password=\"hunter2\";",
        "ssl.key.password=keypw", "costpipe.sink.clickhouse.password-file=" + pw);
    LoadedConfig c = ConfigLoader.load(Component.SINK, f, Map.of("COSTPIPE_SINK_CLICKHOUSE_PASSWORD", "env-pw"),
        Map.of(), true);

    assertThat(c.problems()).isEmpty();
    String shown = String.join("\n", c.config().describe()) + c.config().summary();
    assertThat(shown).doesNotContain("hunter2", "keypw", "env-pw", "file-password")
        .contains("sasl.jaas.config", "= ****  (file ", "(env COSTPIPE_SINK_CLICKHOUSE_PASSWORD)");
    // the environment's password outvotes the file's password file
    assertThat(c.config().get("costpipe.sink.clickhouse.password-file")).isNull();
    assertThat(ClickHouseSinkConfig.from(c.config().properties()).password()).isEqualTo("env-pw");
  }

  @Test
  void theClickHouseOnlyCommandsNeedNoKafka() {
    LoadedConfig c = ConfigLoader.load(Component.SINK, null, Map.of(),
        Map.of("costpipe.sink.clickhouse.url", "http://ch:8123"), false);
    assertThat(c.problems()).isEmpty();
    assertThat(c.metricsPort()).isEqualTo(9465);
    assertThat(ConfigLoader.load(Component.SINK, dir.resolve("missing.properties"), Map.of(), Map.of(), false).errors())
        .singleElement().asString().contains("cannot read", "missing.properties");
  }

  @Test
  void rulesBetweenSettingsComeFromTheComponentsOwnConfig() {
    LoadedConfig c = ConfigLoader.load(Component.SINK, null, Map.of(), Map.of("bootstrap.servers", "k:1",
        "costpipe.sink.clickhouse.retry-backoff", "5s", "costpipe.sink.clickhouse.retry-backoff-max", "10ms"),
        true);
    assertThat(c.errors()).singleElement().asString().contains("retry-backoff <= retry-backoff-max");
  }

  @Test
  void durationsAreShortOrIsoAndTheOldMillisecondKeysStillWork() throws Exception {
    Path f = file("bootstrap.servers=k:9092", "costpipe.aggregate.windows=1h, 1d", "costpipe.aggregate.grace=PT5M",
        "costpipe.sink.clickhouse.batch-ms=250", "costpipe.sink.clickhouse.retry-backoff=1s");
    LoadedConfig run = ConfigLoader.load(Component.RUN, f, Map.of(), Map.of(), true);
    assertThat(run.errors()).isEmpty();
    TopologyConfig topology = TopologyConfig.from(run.config().properties());
    assertThat(topology.aggregateWindows()).containsExactly(Duration.ofHours(1), Duration.ofDays(1));
    assertThat(topology.aggregateGrace()).hasMinutes(5);

    LoadedConfig sink = ConfigLoader.load(Component.SINK, f, Map.of(), Map.of(), true);
    assertThat(sink.errors()).isEmpty();
    assertThat(sink.warnings()).map(Problem::message).contains("costpipe.sink.clickhouse.batch-ms: an old name, still"
        + " read; the setting is now costpipe.sink.clickhouse.batch-time (a duration)");
    // the file's old name outvotes the new name's default, which is no longer shown
    assertThat(sink.config().get("costpipe.sink.clickhouse.batch-time")).isNull();
    assertThat(sink.config().get("costpipe.sink.clickhouse.socket-timeout")).isEqualTo("2m");
    ClickHouseSinkConfig config = ClickHouseSinkConfig.from(sink.config().properties());
    assertThat(config.batchTime()).hasMillis(250);
    assertThat(config.retryBackoff()).hasSeconds(1);

    LoadedConfig both = ConfigLoader.load(Component.SINK, file("bootstrap.servers=k:9092",
        "costpipe.sink.clickhouse.batch-ms=250", "costpipe.sink.clickhouse.batch-time=1s"), Map.of(), Map.of(), true);
    assertThat(both.errors()).singleElement().asString().contains("give costpipe.sink.clickhouse.batch-time or its"
        + " old name costpipe.sink.clickhouse.batch-ms, not both");
    LoadedConfig mistyped = ConfigLoader.load(Component.SINK, null, Map.of(),
        Map.of("costpipe.sink.clickhouse.batch-ms", "1s"), false);
    assertThat(mistyped.errors()).singleElement().asString()
        .contains("costpipe.sink.clickhouse.batch-ms: must be an integer, got '1s'");
  }
}
