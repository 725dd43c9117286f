package dev.costpipe.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyConfigLoaderTest {
  @TempDir
  Path dir;

  private Path file(String yaml) throws Exception {
    return Files.writeString(dir.resolve("notifier.yml"), yaml);
  }

  @Test
  void environmentOverridesKafkaSettingsAndThePortAndTheFlagWins() throws Exception {
    Path f = file("""
        bootstrap_servers: file:9092
        kafka: {security.protocol: PLAINTEXT}
        channels:
          hook: {type: webhook, url: "https://hooks.example.com/x/token", secret_env: HOOK_SECRET}
        metrics: {port: 19000}
        """);
    Map<String, String> env = Map.of("HOOK_SECRET", "s3cret", "COSTPIPE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
        "COSTPIPE_KAFKA_SASL_JAAS_CONFIG", "jaas-secret", "COSTPIPE_METRICS_PORT", "19001");

    var r = NotifyConfigLoader.load(f, env, null);
    assertThat(r.loaded().problems()).isEmpty();
    assertThat(r.notifier().bootstrapServers()).isEqualTo("env:9092");
    assertThat(r.notifier().kafka()).containsEntry("sasl.jaas.config", "jaas-secret")
        .containsEntry("security.protocol", "PLAINTEXT");
    assertThat(r.loaded().metricsPort()).isEqualTo(19001);
    String shown = String.join("\n", r.loaded().config().describe());
    assertThat(shown).doesNotContain("jaas-secret", "s3cret", "token")
        .containsPattern("secret_env +\\= HOOK_SECRET")
        .contains("group_id", "(default)", "metrics.port", "(env COSTPIPE_METRICS_PORT)");

    var flagged = NotifyConfigLoader.load(f, env, "flag:9092");
    assertThat(flagged.notifier().bootstrapServers()).isEqualTo("flag:9092");
  }

  @Test
  void theHttpSettingsComeFromTheHttpSectionOrTheEnvironment() throws Exception {
    Path f = file("""
        bootstrap_servers: k:9092
        http: {bind-address: 0.0.0.0, tokens-file: /etc/costpipe/tokens}
        """);
    var fromFile = NotifyConfigLoader.load(f, Map.of(), null);
    assertThat(fromFile.loaded().problems()).isEmpty();
    assertThat(fromFile.loaded().http().bindAddress()).isEqualTo("0.0.0.0");
    assertThat(fromFile.loaded().http().tokensFile()).isEqualTo(Path.of("/etc/costpipe/tokens"));

    var fromEnv = NotifyConfigLoader.load(file("bootstrap_servers: k:9092\n"),
        Map.of("COSTPIPE_HTTP_BIND__ADDRESS", "10.0.0.7"), null);
    assertThat(fromEnv.loaded().http().bindAddress()).isEqualTo("10.0.0.7");
    assertThat(fromEnv.loaded().http().tokensFile()).isNull();
    assertThat(NotifyConfigLoader.load(file("bootstrap_servers: k:9092\n"), Map.of(), null).loaded().http()
        .bindAddress()).as("default").isEqualTo("127.0.0.1");

    var wrong = NotifyConfigLoader.load(file("bootstrap_servers: k:9092\nhttp: {port: 1}\n"), Map.of(), null);
    assertThat(wrong.loaded().errors()).map(Problem::message)
        .contains("http: may hold bind-address and tokens-file only");
  }

  @Test
  void errorsAreReportedNotThrown() throws Exception {
    Path f = file("""
        group_id: g
        metrics: {port: 9466, host: x}
        kafka: {acks: some}
        """);
    var r = NotifyConfigLoader.load(f, Map.of(), null);
    assertThat(r.notifier()).isNull();
    assertThat(r.loaded().errors()).map(Problem::message).containsExactlyInAnyOrder(
        "metrics: must be {port: N}, the only key of the section",
        "bootstrap_servers: required (in the file, --bootstrap-server, or COSTPIPE_KAFKA_BOOTSTRAP_SERVERS)",
        "acks: Invalid value some for configuration acks: String must be one of: all, -1, 0, 1");
    assertThat(r.loaded().metricsPort()).isEqualTo(9466);
  }
}
