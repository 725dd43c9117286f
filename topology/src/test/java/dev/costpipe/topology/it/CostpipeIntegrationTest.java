package dev.costpipe.topology.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.topology.testing.KafkaTestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The application against a real Kafka broker (KRaft, started by the test): mixed traffic in, exact
 * totals out on every output topic — also across a crash (kill -9 of the application's JVM) and with
 * two instances sharing the work.
 */
class CostpipeIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String RULE = "{\"id\":\"total-daily\",\"name\":\"All spend\",\"metric\":\"cost\","
      + "\"budget_usd\":%s,\"window\":\"1d\",\"levels\":[50,80,95,100]}";

  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  private Properties settings(String name) throws IOException {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", broker.bootstrapServers());
    p.setProperty("application.id", "costpipe-it-" + name);
    p.setProperty("state.dir", Files.createTempDirectory("costpipe-it-" + name).toString());
    p.setProperty("commit.interval.ms", "200");
    p.setProperty("costpipe.topics.partitions", "3");
    // a killed instance's group membership expires in seconds, not the default 45 s
    p.setProperty("consumer.session.timeout.ms", "6000");
    p.setProperty("consumer.heartbeat.interval.ms", "1500");
    for (String topic : List.of("raw-events", "pricing", "alert-rules", "costs", "cost-aggregates", "cost-alerts",
        "dead-letter")) {
      p.setProperty("costpipe.topic." + topic, name + "." + topic);
    }
    return p;
  }

  private void produce(Properties settings, List<Map.Entry<String, String>> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (var r : records) {
        producer.send(new ProducerRecord<>(settings.getProperty("costpipe.topic.raw-events"), r.getKey(), r.getValue()));
      }
      producer.flush();
    }
  }

  private static String budgetFor(MixedTraffic traffic) {
    // 1.2 × under the day's spend: every level fires, each once
    return java.math.BigDecimal.valueOf(traffic.expectedTotalNano(), 9)
        .divide(java.math.BigDecimal.valueOf(1.2), 9, java.math.RoundingMode.DOWN).toPlainString();
  }

  private void putRule(Properties settings, String json) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"));
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(settings.getProperty("costpipe.topic.alert-rules"), "total-daily", json));
    }
  }

  /** Every output is exactly what the traffic must give: one cost record per request, sums, alerts, DLQ. */
  private void assertExactTotals(Properties settings, MixedTraffic traffic) {
    TopologyConfig config = TopologyConfig.from(settings);
    String bootstrap = settings.getProperty("bootstrap.servers");
    List<ConsumerRecord<String, String>> costs = TopicReader.readUntil(bootstrap, config.costsTopic(),
        got -> got.size() >= traffic.expected.size(), WAIT);
    Map<String, CostRecord> byId = new HashMap<>();
    for (var r : costs) {
      CostRecord c = CostRecordJson.read(r.value());
      assertThat(byId.put(c.requestId(), c)).as("one cost record for " + c.requestId()).isNull();
    }
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(traffic.expected.keySet());
    traffic.expected.forEach((id, want) -> {
      CostRecord got = byId.get(id);
      assertThat(got.costNanoUsd()).as(id).isEqualTo(want.costNanoUsd());
      assertThat(got.pricingStatus()).as(id).isEqualTo(want.pricingStatus());
      assertThat(got.usage()).as(id).isEqualTo(want.usage());
    });

    List<ConsumerRecord<String, String>> dlq = TopicReader.readUntil(bootstrap, config.deadLetterTopic(),
        got -> got.size() >= traffic.badLines, WAIT);
    assertThat(dlq).hasSize(traffic.badLines);
    assertThat(dlq).allSatisfy(r -> assertThat(r.headers().lastHeader("error.reason")).isNotNull());

    long total = traffic.expectedTotalNano();
    long requests = traffic.expected.size();
    Map<String, Long> perUser = new HashMap<>();
    traffic.expected.values().stream().filter(c -> c.userId() != null)
        .forEach(c -> perUser.merge(c.userId(), c.costNanoUsd() == null ? 0 : c.costNanoUsd(), Long::sum));
    assertThat(perUser).hasSizeGreaterThan(3);
    var aggregates = TopicReader.readUntil(bootstrap, config.aggregatesTopic(), got -> {
      JsonNode day = latest(got).get("total/all/1d/2026-06-01T00:00:00Z");
      return day != null && day.path("requests").asLong() >= requests;
    }, WAIT);
    Map<String, JsonNode> latest = latest(aggregates);
    JsonNode day = latest.get("total/all/1d/2026-06-01T00:00:00Z");
    assertThat(day.path("requests").asLong()).isEqualTo(requests);
    assertThat(day.path("cost_nano_usd").asLong()).isEqualTo(total);
    long hourSum = latest.entrySet().stream().filter(e -> e.getKey().startsWith("total/all/1h/"))
        .mapToLong(e -> e.getValue().path("cost_nano_usd").asLong()).sum();
    assertThat(hourSum).isEqualTo(total);
    perUser.forEach((user, cost) -> assertThat(latest.get("user/" + user + "/1d/2026-06-01T00:00:00Z")
        .path("cost_nano_usd").asLong()).as(user).isEqualTo(cost));

    var alerts = TopicReader.readUntil(bootstrap, config.alertsTopic(), got -> got.size() >= 4, WAIT);
    assertThat(alerts).extracting(r -> TopologyFixture.read(r.value()).path("level_pct").asInt())
        .containsExactly(50, 80, 95, 100);
  }

  private static Map<String, JsonNode> latest(List<ConsumerRecord<String, String>> updates) {
    Map<String, JsonNode> latest = new HashMap<>();
    for (var r : updates) {
      JsonNode u = TopologyFixture.read(r.value());
      latest.merge(r.key(), u, (a, b) -> b.path("version").asLong() >= a.path("version").asLong() ? b : a);
    }
    return latest;
  }

  @Test
  void mixedTrafficGivesExactTotalsOnEveryTopic() throws Exception {
    Properties settings = settings("it-mixed");
    MixedTraffic traffic = new MixedTraffic(600, 1);
    try (CostpipeApplication app = new CostpipeApplication(settings)) {
      app.start();
      putRule(settings, RULE.formatted(budgetFor(traffic)));
      produce(settings, traffic.records);
      assertExactTotals(settings, traffic);
      assertThat(app.counters().get("merge.duplicate_request")).isPositive();
    }
  }

  @Test
  void hostileInputIsDeadLetteredAndEveryGoodRequestStillPricedExactly() throws Exception {
    Properties settings = settings("it-hostile");
    MixedTraffic traffic = new MixedTraffic(300, 4);
    List<Map.Entry<String, String>> hostile = HostileEvents.of(3000, 4);
    List<Map.Entry<String, String>> mixed = new ArrayList<>(traffic.records);
    java.util.Random random = new java.util.Random(4);
    for (var h : hostile) {
      mixed.add(random.nextInt(mixed.size() + 1), h);
    }
    traffic.badLines += hostile.size();
    try (CostpipeApplication app = new CostpipeApplication(settings)) {
      app.start();
      putRule(settings, RULE.formatted(budgetFor(traffic)));
      produce(settings, mixed);
      assertExactTotals(settings, traffic);
      assertThat(app.streams().state().isRunningOrRebalancing()).isTrue();
    }
  }

  @Test
  void twoInstancesShareTheWorkAndGiveTheSameTotals() throws Exception {
    Properties settings = settings("it-two");
    Properties second = new Properties();
    second.putAll(settings);
    second.setProperty("state.dir", Files.createTempDirectory("costpipe-it-two-b").toString());
    MixedTraffic traffic = new MixedTraffic(600, 2);
    try (CostpipeApplication a = new CostpipeApplication(settings);
        CostpipeApplication b = new CostpipeApplication(second)) {
      a.start();
      b.start();
      putRule(settings, RULE.formatted(budgetFor(traffic)));
      produce(settings, traffic.records);
      assertExactTotals(settings, traffic);
    }
  }

  @Test
  void killedTwiceMidStreamAndRestartedTheTotalsAreStillExact() throws Exception {
    Properties settings = settings("it-crash");
    MixedTraffic traffic = new MixedTraffic(900, 3);
    Path config = Files.createTempFile("costpipe-it-crash", ".properties");
    try (var w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      settings.store(w, "integration test");
    }
    int third = traffic.records.size() / 3;
    Process app = startChild(config);
    putRule(settings, RULE.formatted(budgetFor(traffic)));
    produce(settings, traffic.records.subList(0, third));
    int seen = waitForCosts(settings, 20);
    app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    produce(settings, traffic.records.subList(third, 2 * third));
    app = startChild(config);
    waitForCosts(settings, seen + 20);
    app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    produce(settings, traffic.records.subList(2 * third, traffic.records.size()));
    app = startChild(config);
    try {
      assertExactTotals(settings, traffic);
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** Waits until the application has committed at least {@code n} cost records; returns how many it saw. */
  private int waitForCosts(Properties settings, int n) {
    int seen = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
        settings.getProperty("costpipe.topic.costs"), got -> got.size() >= n, WAIT).size();
    assertThat(seen).as("cost records before the kill").isGreaterThanOrEqualTo(n);
    return seen;
  }

  private static Process startChild(Path config) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path log = Files.createTempFile("costpipe-it-app", ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", classpath, CostpipeApplication.class.getName(), config.toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
