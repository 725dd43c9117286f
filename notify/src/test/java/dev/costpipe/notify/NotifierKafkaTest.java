package dev.costpipe.notify;

import dev.costpipe.testsupport.Await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.testsupport.KafkaTestBroker;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real Kafka broker, a real HTTP server and a real SMTP server: alert events as the topology
 * writes them are delivered to each named channel exactly once, a failing channel is reported (log, counter,
 * failed topic) while the others deliver, and neither a restart nor a re-read of the whole topic by a new
 * consumer group delivers anything twice.
 */
class NotifierKafkaTest {
  private static final String HOOK_SECRET = "e2e-hook-secret";
  private static final String SMTP_PASSWORD = "e2e-smtp-password";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("costpipe@example.com", "costpipe",
          SMTP_PASSWORD));

  private static final Instant AT = Instant.parse("2026-06-01T13:05:00Z");
  private static final AlertRule PROD = Alerts.rule("""
      {"id":"prod-daily","name":"Production daily","metric":"cost","budget_usd":100,"window":"1d",
       "levels":[50,80,95,100],"channels":["ops-slack","audit-hook","finance-email"]}""");
  private static final AlertRule TEAM = Alerts.rule("""
      {"id":"team-hourly","name":"Team hourly requests","metric":"requests","budget_count":1000,"window":"1h",
       "levels":[100]}""");
  private static final AlertRule SHAKY = Alerts.rule("""
      {"id":"shaky","name":"Shaky channels","metric":"cost","budget_usd":10,"window":"7d","levels":[95],
       "channels":["flaky-hook","broken-hook","ops-slack"]}""");
  private static final AlertRule TYPO = Alerts.rule("""
      {"id":"typo","name":"Typo in channels","metric":"cost","budget_usd":5,"window":"30d","levels":[50],
       "channels":["nope","audit-hook"]}""");

  private final KafkaTestBroker broker = KafkaTestBroker.shared();
  private RecordingHttpServer http;
  private String alerts;
  private String delivered;
  private String failed;

  @TempDir
  Path dir;

  @BeforeEach
  void setUp() {
    http = RecordingHttpServer.start(HOOK_SECRET);
    http.failFirst("/flaky", 2);
    http.alwaysFail("/broken", 500);
    String id = UUID.randomUUID().toString().substring(0, 8);
    alerts = "notify-alerts-" + id;
    delivered = "notify-delivered-" + id;
    failed = "notify-failed-" + id;
    broker.createTopic(alerts, 2, Map.of());
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  @Test
  void deliversEachAlertOnceToEachChannelAcrossRestartsAndReReads() throws Exception {
    String p50 = Alerts.event(PROD, 50, 50_000_000_001L, AT, "req-1");
    String p80 = Alerts.event(PROD, 80, 80_123_456_789L, AT.plusSeconds(60), "req-2");
    broker.produce(alerts, List.of(
        Map.entry("prod-daily", p50),
        Map.entry("prod-daily", p80),
        Map.entry("team-hourly", Alerts.event(TEAM, 100, 1000, AT, "req-3"))));
    broker.produce(alerts, List.of(
        Map.entry("shaky", Alerts.event(SHAKY, 95, 9_500_000_000L, AT, "req-4")),
        Map.entry("typo", Alerts.event(TYPO, 50, 2_500_000_000L, AT, "req-5")),
        Map.entry("prod-daily", p50), // the same alert written twice
        Map.entry("garbage", "this is not an alert")));

    // ---- first run: everything delivered once, failures reported
    NotifierConfig config = config("grp-" + UUID.randomUUID());
    Notifier first = new Notifier(config);
    Thread t1 = start(first);
    Await.until("first run deliveries", WAIT, () ->
        http.accepted("/slack").size() == 4 && http.accepted("/hook").size() == 3
            && http.accepted("/flaky").size() == 1 && http.calls("/broken").size() == 3
            && SMTP.getReceivedMessages().length == 2 * 2
            && first.counters().failed("broken-hook") == 1 && first.counters().failed("nope") == 1
            && first.counters().get(NotifierCounters.ALERTS_INVALID) == 1
            && first.counters().skipped("ops-slack") + first.counters().skipped("audit-hook")
                + first.counters().skipped("finance-email") == 3);
    stop(first, t1);

    NotifierCounters c1 = first.counters();
    assertThat(c1.get(NotifierCounters.ALERTS_SEEN)).isEqualTo(7);
    assertThat(c1.delivered("ops-slack")).isEqualTo(4); // p50, p80, team (default channel), shaky
    assertThat(c1.delivered("audit-hook")).isEqualTo(3); // p50, p80, typo
    assertThat(c1.delivered("finance-email")).isEqualTo(2);
    assertThat(c1.delivered("flaky-hook")).isEqualTo(1);
    assertThat(c1.retries("flaky-hook")).isEqualTo(2);
    assertThat(c1.delivered("broken-hook")).isZero();
    assertThat(c1.retries("broken-hook")).isEqualTo(2);
    assertThat(c1.failed("broken-hook")).isEqualTo(1);
    assertThat(c1.failed("nope")).isEqualTo(1);
    assertThat(c1.skipped("ops-slack")).as("p50 read twice").isEqualTo(1);
    assertThat(c1.skipped("audit-hook")).isEqualTo(1);
    assertThat(c1.skipped("finance-email")).isEqualTo(1);

    // exactly once per (rule, window, level, channel), every webhook call correctly signed
    assertThat(countBy(http.accepted("/slack"), this::slackKey)).containsOnlyKeys(
        "Production daily@50", "Production daily@80", "Team hourly requests@100", "Shaky channels@95")
        .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
    assertThat(countBy(http.accepted("/hook"), this::eventKey)).containsOnlyKeys(
        "prod-daily@50", "prod-daily@80", "typo@50").allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
    assertThat(http.accepted("/hook")).extracting(RecordingHttpServer.Call::bodyText).contains(p50, p80);
    assertThat(http.calls("/hook")).allMatch(c -> Boolean.TRUE.equals(c.signatureValid()));
    assertThat(http.calls("/flaky")).extracting(RecordingHttpServer.Call::status).containsExactly(500, 500, 200);
    assertThat(http.calls("/flaky")).allMatch(c -> Boolean.TRUE.equals(c.signatureValid()));
    assertThat(http.calls("/flaky")).extracting(c -> c.header(WebhookSignature.DELIVERY_ID_HEADER)).containsOnly(
        DeliveryKey.of(Alerts.parsed(Alerts.event(SHAKY, 95, 9_500_000_000L, AT, "req-4")), "flaky-hook").id());
    assertThat(subjects()).containsExactlyInAnyOrder(
        "[costpipe] Production daily: 50% of budget reached ($50.00 of $100.00, 1d window)",
        "[costpipe] Production daily: 50% of budget reached ($50.00 of $100.00, 1d window)",
        "[costpipe] Production daily: 80% of budget reached ($80.12 of $100.00, 1d window)",
        "[costpipe] Production daily: 80% of budget reached ($80.12 of $100.00, 1d window)");

    // the marks: one per delivery made
    List<ConsumerRecord<String, String>> marks = broker.readAll(delivered, Duration.ofSeconds(10));
    assertThat(marks).hasSize(10);
    assertThat(marks).extracting(ConsumerRecord::key).doesNotHaveDuplicates()
        .contains("[\"prod-daily\",\"2026-06-01T00:00:00Z\",50,\"finance-email\"]",
            "[\"team-hourly\",\"2026-06-01T13:00:00Z\",100,\"ops-slack\"]");

    // the failures: the broken channel, the unknown channel, the record that is no alert
    Map<String, JsonNode> failures = readJson(failed);
    assertThat(failures).hasSize(3);
    JsonNode broken = failures.get(
        DeliveryKey.of(Alerts.parsed(Alerts.event(SHAKY, 95, 9_500_000_000L, AT, "req-4")), "broken-hook").wire());
    assertThat(broken.path("reason").asText()).isEqualTo("http_status");
    assertThat(broken.path("status").asInt()).isEqualTo(500);
    assertThat(broken.path("error").asText()).startsWith("HTTP 500");
    assertThat(broken.path("attempts").asInt()).isEqualTo(3);
    assertThat(broken.path("channel_type").asText()).isEqualTo("webhook");
    assertThat(broken.path("alert").path("rule_id").asText()).isEqualTo("shaky");
    JsonNode nope = failures.get(
        DeliveryKey.of(Alerts.parsed(Alerts.event(TYPO, 50, 2_500_000_000L, AT, "req-5")), "nope").wire());
    assertThat(nope.path("reason").asText()).isEqualTo("unknown_channel");
    assertThat(failures.get("garbage").path("reason").asText()).isEqualTo("invalid_alert");

    // ---- restart, same group: only what is new is delivered
    String p95 = Alerts.event(PROD, 95, 95_000_000_000L, AT.plusSeconds(120), "req-6");
    Notifier second = new Notifier(config);
    Thread t2 = start(second);
    assertThat(second.awaitReady(WAIT)).isTrue();
    broker.produce(alerts, List.of(Map.entry("prod-daily", p95)));
    Await.until("the new alert", WAIT, () -> second.counters().delivered("ops-slack") == 1
        && second.counters().delivered("audit-hook") == 1 && second.counters().delivered("finance-email") == 1);
    stop(second, t2);
    assertThat(second.counters().get(NotifierCounters.ALERTS_SEEN)).as("committed offsets: only the new one")
        .isEqualTo(1);
    assertThat(http.accepted("/slack")).hasSize(5);
    assertThat(http.accepted("/hook")).hasSize(4);
    assertThat(SMTP.getReceivedMessages()).hasSize(6);

    // ---- a new group re-reads the whole topic: the marks keep every delivery from happening again
    Notifier third = new Notifier(config.withGroupId("grp-reread-" + UUID.randomUUID()));
    Thread t3 = start(third);
    Await.until("the re-read", WAIT, () -> third.counters().get(NotifierCounters.ALERTS_SEEN) == 8
        && third.counters().failed("broken-hook") == 1);
    stop(third, t3);
    NotifierCounters c3 = third.counters();
    assertThat(c3.snapshot().keySet()).noneMatch(k -> k.startsWith("delivered."));
    assertThat(c3.skipped("ops-slack")).isEqualTo(6);
    assertThat(c3.skipped("audit-hook")).isEqualTo(5);
    assertThat(c3.skipped("finance-email")).isEqualTo(4);
    assertThat(c3.skipped("flaky-hook")).isEqualTo(1);
    assertThat(http.accepted("/slack")).hasSize(5);
    assertThat(http.accepted("/hook")).hasSize(4);
    assertThat(http.accepted("/flaky")).hasSize(1);
    assertThat(SMTP.getReceivedMessages()).hasSize(6);
    // what was never delivered is tried again, and reported again
    assertThat(http.calls("/broken")).hasSize(6);
    assertThat(c3.failed("nope")).isEqualTo(1);
  }

  @Test
  void aStopDuringBackOffLeavesTheAlertForTheNextRun() throws Exception {
    http.alwaysFail("/later", 503);
    Files.writeString(dir.resolve("later.yaml"), """
        bootstrap_servers: %s
        group_id: grp-later-%s
        topics: {alerts: %s, delivered: %s, failed: %s}
        channels:
          later-hook: {type: webhook, url: "%s", secret_env: HOOK_SECRET, retry: {attempts: 5, base_delay: 30s}}
          ops-slack: {type: slack, url: "%s"}
        """.formatted(broker.bootstrapServers(), UUID.randomUUID(), alerts, delivered, failed, http.url("/later"),
        http.url("/slack")));
    NotifierConfig config = NotifierConfig.load(dir.resolve("later.yaml"), Map.of("HOOK_SECRET", HOOK_SECRET)::get);
    AlertRule rule = Alerts.rule("""
        {"id":"later","metric":"cost","budget_usd":1,"window":"1h","levels":[100],
         "channels":["ops-slack","later-hook"]}""");
    broker.produce(alerts, List.of(Map.entry("later", Alerts.event(rule, 100, 1_000_000_000L, AT, "req-l"))));

    Notifier first = new Notifier(config);
    Thread t1 = start(first);
    Await.until("the first failed attempt", WAIT, () -> http.calls("/later").size() == 1
        && first.counters().delivered("ops-slack") == 1 && first.counters().retries("later-hook") == 1);
    long stopAt = System.nanoTime();
    stop(first, t1);
    assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).as("a back-off does not hold up stop()")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(first.counters().failed("later-hook")).as("abandoned, not failed").isZero();

    http.recover("/later");
    Notifier second = new Notifier(config);
    Thread t2 = start(second);
    Await.until("the delivery on the next run", WAIT, () -> second.counters().delivered("later-hook") == 1);
    stop(second, t2);
    assertThat(second.counters().get(NotifierCounters.ALERTS_SEEN)).as("its offset was not committed").isEqualTo(1);
    assertThat(second.counters().skipped("ops-slack")).as("already delivered before the stop").isEqualTo(1);
    assertThat(http.accepted("/slack")).hasSize(1);
    assertThat(http.accepted("/later")).hasSize(1);
  }

  private NotifierConfig config(String group) throws Exception {
    Files.writeString(dir.resolve("flaky.secret"), HOOK_SECRET + "\n");
    String yaml = """
        bootstrap_servers: %s
        group_id: %s
        topics: {alerts: %s, delivered: %s, failed: %s}
        retry: {attempts: 3, base_delay: 50ms, max_delay: 200ms}
        http_timeout: 5s
        default_channels: [ops-slack]
        channels:
          ops-slack:     {type: slack, url: "%s"}
          audit-hook:    {type: webhook, url: "%s", secret_env: HOOK_SECRET}
          flaky-hook:    {type: webhook, url: "%s", secret_file: flaky.secret, retry: {attempts: 4, base_delay: 20ms}}
          broken-hook:   {type: webhook, url: "%s", secret_env: HOOK_SECRET}
          finance-email:
            type: email
            host: 127.0.0.1
            port: %d
            username: costpipe
            password_env: SMTP_PASSWORD
            from: costpipe@example.com
            to: [finance@example.com, cfo@example.com]
        """.formatted(broker.bootstrapServers(), group, alerts, delivered, failed, http.url("/slack"),
        http.url("/hook"), http.url("/flaky"), http.url("/broken"), SMTP.getSmtp().getPort());
    Path file = dir.resolve("notifier.yaml");
    Files.writeString(file, yaml);
    return NotifierConfig.load(file, Map.of("HOOK_SECRET", HOOK_SECRET, "SMTP_PASSWORD", SMTP_PASSWORD)::get);
  }

  private static Thread start(Notifier n) {
    Thread t = new Thread(n::run, "notifier-under-test");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void stop(Notifier n, Thread t) throws InterruptedException {
    n.stop();
    assertThat(n.awaitStopped(Duration.ofSeconds(20))).isTrue();
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
  }

  private String slackKey(RecordingHttpServer.Call c) {
    try {
      String header = Json.MAPPER.readTree(c.body()).path("blocks").get(0).path("text").path("text").asText();
      // ":rotating_light: Budget alert: <name> at <level>%"
      String rest = header.substring(header.indexOf("Budget alert: ") + "Budget alert: ".length());
      int at = rest.lastIndexOf(" at ");
      return rest.substring(0, at) + "@" + rest.substring(at + 4, rest.length() - 1);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private String eventKey(RecordingHttpServer.Call c) {
    AlertEvent a = AlertEvent.parse(c.body());
    return a.ruleId() + "@" + a.levelPct();
  }

  private static Map<String, Long> countBy(List<RecordingHttpServer.Call> calls,
      Function<RecordingHttpServer.Call, String> key) {
    return calls.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
  }

  private static List<String> subjects() throws Exception {
    List<String> out = new ArrayList<>();
    for (MimeMessage m : SMTP.getReceivedMessages()) {
      out.add(m.getSubject());
    }
    return out;
  }

  private Map<String, JsonNode> readJson(String topic) throws Exception {
    Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    for (ConsumerRecord<String, String> r : broker.readAll(topic, Duration.ofSeconds(10))) {
      out.put(r.key(), Json.MAPPER.readTree(r.value()));
    }
    return out;
  }
}
