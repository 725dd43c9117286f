package dev.costpipe.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.notify.NotifierConfig.EmailConfig;
import dev.costpipe.notify.NotifierConfig.SlackConfig;
import dev.costpipe.notify.NotifierConfig.WebhookConfig;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierConfigTest {
  private static final Map<String, String> ENV = Map.of(
      "SLACK_URL", "https://hooks.slack.com/services/T000/B000/slack-token-xyz",
      "HOOK_SECRET", "env-secret-456",
      "SMTP_PASSWORD", "smtp-pw-789");

  private static final String YAML = """
      bootstrap_servers: 127.0.0.1:9092
      topics:
        delivered_retention: 30d
      consumer:
        auto.offset.reset: latest
      retry:
        attempts: 4
        base_delay: 500ms
        max_delay: 3s
      http_timeout: 5s
      default_channels: [ops-slack]
      channels:
        ops-slack:
          type: slack
          url_env: SLACK_URL
        audit-hook:
          type: webhook
          url: https://hooks.example.com/costpipe
          secret_env: HOOK_SECRET
          retry: {attempts: 8, base_delay: 2s}
          timeout: 20s
        file-hook:
          type: webhook
          url: http://10.0.0.5:8080/in
          secret_file: secrets/hook
        finance-email:
          type: email
          host: smtp.example.com
          port: 587
          starttls: true
          username: costpipe
          password_env: SMTP_PASSWORD
          from: costpipe@example.com
          to: [finance@example.com, cfo@example.com]
      """;

  @Test
  void readsYamlWithSecretsFromEnvironmentAndFiles(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/hook"), "file-secret-123\n");
    Path file = dir.resolve("notifier.yaml");
    Files.writeString(file, YAML);

    NotifierConfig c = NotifierConfig.load(file, ENV::get);

    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.groupId()).isEqualTo("costpipe-notifier");
    assertThat(c.alertsTopic()).isEqualTo("llm.cost-alerts");
    assertThat(c.deliveredTopic()).isEqualTo("llm.cost-alerts.delivered");
    assertThat(c.failedTopic()).isEqualTo("llm.cost-alerts.failed");
    assertThat(c.createTopics()).isTrue();
    assertThat(c.deliveredRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.consumer()).containsEntry("auto.offset.reset", "latest");
    assertThat(c.defaultChannels()).containsExactly("ops-slack");
    assertThat(c.channels().keySet()).containsExactly("ops-slack", "audit-hook", "file-hook", "finance-email");

    SlackConfig slack = (SlackConfig) c.channels().get("ops-slack");
    assertThat(slack.url().reveal()).isEqualTo(ENV.get("SLACK_URL"));
    assertThat(slack.url().source()).isEqualTo("env:SLACK_URL");
    assertThat(slack.retry()).isEqualTo(new NotifierConfig.Retry(4, Duration.ofMillis(500), Duration.ofSeconds(3)));
    assertThat(slack.timeout()).isEqualTo(Duration.ofSeconds(5));

    WebhookConfig audit = (WebhookConfig) c.channels().get("audit-hook");
    assertThat(audit.secret().reveal()).isEqualTo("env-secret-456");
    assertThat(audit.retry()).isEqualTo(new NotifierConfig.Retry(8, Duration.ofSeconds(2), Duration.ofSeconds(3)));
    assertThat(audit.timeout()).isEqualTo(Duration.ofSeconds(20));

    WebhookConfig fileHook = (WebhookConfig) c.channels().get("file-hook");
    assertThat(fileHook.secret().reveal()).as("trailing newline dropped, path relative to the config file")
        .isEqualTo("file-secret-123");

    EmailConfig email = (EmailConfig) c.channels().get("finance-email");
    assertThat(email.host()).isEqualTo("smtp.example.com");
    assertThat(email.port()).isEqualTo(587);
    assertThat(email.starttls()).isTrue();
    assertThat(email.ssl()).isFalse();
    assertThat(email.username()).isEqualTo("costpipe");
    assertThat(email.password().reveal()).isEqualTo("smtp-pw-789");
    assertThat(email.to()).containsExactly("finance@example.com", "cfo@example.com");

    String printed = c.toString();
    assertThat(printed).doesNotContain("slack-token-xyz", "T000", "env-secret-456", "file-secret-123", "smtp-pw-789")
        .contains("https://hooks.slack.com/…", "env:SLACK_URL", "env:HOOK_SECRET", "env:SMTP_PASSWORD", "finance@example.com");
    assertThat(c.channels().values()).allSatisfy(ch -> assertThat(ch.toString())
        .doesNotContain("slack-token-xyz", "env-secret-456", "file-secret-123", "smtp-pw-789"));
  }

  @Test
  void readsJsonWithChannelListAndMasksKafkaCredentials() throws URISyntaxException {
    Path file = Path.of(getClass().getResource("/notify/notifier.json").toURI());

    NotifierConfig c = NotifierConfig.load(file, name -> null);

    assertThat(c.groupId()).isEqualTo("notify-json");
    assertThat(c.alertsTopic()).isEqualTo("a.alerts");
    assertThat(c.createTopics()).isFalse();
    assertThat(c.retry()).isEqualTo(new NotifierConfig.Retry(2, Duration.ofMillis(250), Duration.ofSeconds(1)));
    WebhookConfig hook = (WebhookConfig) c.channels().get("hook");
    assertThat(hook.secret().reveal()).isEqualTo("file-secret-123");
    assertThat(c.kafka()).containsKey("sasl.jaas.config");
    assertThat(c.toString()).doesNotContain("kafka-pw-77", "file-secret-123", "token=abc")
        .contains("sasl.jaas.config=****", "security.protocol=SASL_SSL", "https://hooks.example.com/…");
    assertThat(c.withBootstrapServers("other:9092").bootstrapServers()).isEqualTo("other:9092");
  }

  @Test
  void refusesMistakesWithoutPrintingSecrets() {
    assertThat(error("""
        channels:
          h: {type: webhook, url: "https://x.example/h", secret_evn: HOOK_SECRET}
        """)).contains("channels.h: unknown key 'secret_evn'");
    assertThat(error("""
        channels:
          h: {type: webhook, url: "https://x.example/h", secret_env: NOT_SET}
        """)).contains("environment variable NOT_SET is not set");
    assertThat(error("""
        channels:
          h: {type: webhook, url: "https://x.example/h"}
        """)).contains("a webhook needs secret_env or secret_file");
    assertThat(error("""
        channels:
          h: {type: webhook, url: "https://x.example/h", secret_env: HOOK_SECRET, secret_file: x}
        """)).contains("give only one of");
    assertThat(error("""
        default_channels: [nowhere]
        channels:
          s: {type: slack, url_env: SLACK_URL}
        """)).contains("default_channels: no channel named 'nowhere'");
    assertThat(error("""
        channels:
          m: {type: email, host: h, starttls: true, ssl: true, from: a@b.c, to: [d@e.f]}
        """)).contains("starttls and ssl exclude each other");
    assertThat(error("""
        channels:
          m: {type: email, host: h, username: u, from: a@b.c, to: [d@e.f]}
        """)).contains("username and password_env/password_file go together");
    assertThat(error("""
        channels:
          s: {type: slack, url: "ftp://x/y"}
        """)).contains("must be an http(s) URL");
    assertThat(error("""
        channels:
          s: {type: pager, url: "https://x/y"}
        """)).contains("must be slack, webhook or email, got 'pager'");
    assertThat(error("""
        retry: {attempts: 0}
        """)).contains("retry.attempts: must be at least 1");
    assertThat(error("""
        http_timeout: soon
        """)).contains("http_timeout: not a duration");
    String secretInError = error("""
        channels:
          h: {type: webhook, url: "not a url at all", secret_env: HOOK_SECRET}
        """);
    assertThat(secretInError).doesNotContain("env-secret-456");
  }

  @Test
  void bindingErrorsNameTheKeysPath() {
    assertThat(error("chanels: {}\n")).startsWith("unknown key 'chanels' (known: bootstrap_servers, channels,");
    assertThat(error("channels:\n  s: {url_env: SLACK_URL}\n"))
        .isEqualTo("channels.s.type: required (slack, webhook or email)");
    assertThat(error("channels:\n  s: {type: slack, url_env: SLACK_URL, name: s}\n"))
        .startsWith("channels.s: unknown key 'name'");
    assertThat(error("channels:\n  - {type: slack, url_env: SLACK_URL}\n")).isEqualTo("channels[0].name: required");
    assertThat(error("retry: {attempts: many}\n")).isEqualTo("retry.attempts: must be an integer");
    assertThat(error("topics: {create: maybe}\n")).isEqualTo("topics.create: must be true or false");
    assertThat(error("kafka: {acks: {all: 1}}\n")).isEqualTo("kafka.acks: must be a string");
    assertThat(error("channels:\n  h: {type: webhook, url: \"https://x/h\", secret_env: HOOK_SECRET, retry: "
        + "{max_delay: soon}}\n")).isEqualTo("channels.h.retry.max_delay: not a duration: 'soon' (use 500ms, 30s,"
        + " 5m, 1h, 1d, or ISO-8601 like PT10M)");
    assertThat(error("[1, 2]\n")).isEqualTo("the top level: must be a map");
  }

  @Test
  void durationsAreTheSettingsSyntaxOrMilliseconds() {
    NotifierConfig c = NotifierConfig.parse("""
        http_timeout: 1500
        topics: {delivered_retention: P7D}
        retry: {base_delay: "250", max_delay: 1h30m}
        """, false, Path.of("."), ENV::get);
    assertThat(c.httpTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.deliveredRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.retry()).isEqualTo(new NotifierConfig.Retry(5, Duration.ofMillis(250), Duration.ofMinutes(90)));
    assertThat(c.toString()).contains("delivered_retention=7d", "http_timeout=1500ms");
  }

  @Test
  void retryDelaysGrowExponentiallyUpToTheCap() {
    NotifierConfig.Retry r = new NotifierConfig.Retry(6, Duration.ofMillis(100), Duration.ofMillis(700));
    assertThat(r.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(r.delayAfter(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(r.delayAfter(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(r.delayAfter(4)).isEqualTo(Duration.ofMillis(700));
    assertThat(r.delayAfter(60)).isEqualTo(Duration.ofMillis(700));
  }

  private static String error(String yaml) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(
        () -> NotifierConfig.parse(yaml, false, Path.of("."), ENV::get));
    assertThat(t).isInstanceOf(IllegalArgumentException.class);
    return t.getMessage();
  }

  @Test
  void emptyFileIsAnError() {
    assertThatThrownBy(() -> NotifierConfig.parse("", false, Path.of("."), ENV::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }
}
