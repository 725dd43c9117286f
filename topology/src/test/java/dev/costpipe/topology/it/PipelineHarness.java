package dev.costpipe.topology.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.topology.CostpipeTopology;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.app.CostpipeApplication;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * What the pipeline tests on a real broker share: per-test topic names and settings, producing raw
 * events, an alert rule sized to the traffic, the application as a child JVM (to kill it), and the
 * check that every output topic holds exactly what the traffic must give.
 */
public final class PipelineHarness {
  public static final Duration WAIT = Duration.ofSeconds(120);
  public static final String RULE_ID = "total-daily";
  private static final String RULE = "{\"id\":\"total-daily\",\"name\":\"All spend\",\"metric\":\"cost\","
      + "\"budget_usd\":%s,\"window\":\"1d\",\"levels\":[50,80,95,100]}";

  private PipelineHarness() {}

  /** Settings of one test's application: its own topics, state directory and application id. */
  public static Properties settings(String bootstrap, String name) throws IOException {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
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

  /**
   * Whether {@code app}'s global store of rules holds {@code rule} under {@code id} now (null: no rule), as its
   * steps and endpoints see the rules (the store is written after the steps' copy); false while it cannot be read.
   */
  public static boolean storesRule(CostpipeApplication app, String id, String rule) {
    try {
      byte[] stored = app.streams().store(StoreQueryParameters.fromNameAndType(CostpipeTopology.ALERT_RULES_STORE,
          QueryableStoreTypes.<String, byte[]>keyValueStore())).get(id);
      return Objects.equals(rule, stored == null ? null : new String(stored, StandardCharsets.UTF_8));
    } catch (InvalidStateStoreException e) {
      return false;
    }
  }

  /** Waits until the application has created its raw-events topic (so that no producer auto-creates it). */
  public static void awaitRawTopic(Properties settings) throws Exception {
    String topic = settings.getProperty("costpipe.topic.raw-events");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        settings.getProperty("bootstrap.servers")))) {
      while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
        assertThat(System.nanoTime()).as("the application created " + topic).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  /** Produces raw events (values as String, or as byte[] for bytes that are not UTF-8) keyed as given. */
  public static void produce(Properties settings, List<? extends Map.Entry<String, ?>> records) {
    produce(settings, records, null);
  }

  /** As {@link #produce(Properties, List)}, each record stamped {@code recordTimeMs} (null: when sent). */
  public static void produce(Properties settings, List<? extends Map.Entry<String, ?>> records, Long recordTimeMs) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(32 << 20));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    // one batch in flight: after a broker restart, batches queued behind a failed first one were refused
    // as out of sequence (OutOfOrderSequenceException) until their delivery timed out
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (var r : records) {
        byte[] value = r.getValue() instanceof byte[] b ? b : ((String) r.getValue()).getBytes(StandardCharsets.UTF_8);
        sent.add(producer.send(new ProducerRecord<>(settings.getProperty("costpipe.topic.raw-events"), null,
            recordTimeMs, r.getKey(), value)));
      }
      producer.flush();
      for (var f : sent) {
        f.get();
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("producing the test's raw events failed", e);
    }
  }

  /** A daily rule whose budget is the traffic's total / 1.2: every level fires, each once. */
  public static void putRule(Properties settings, MixedTraffic traffic) {
    String budget = BigDecimal.valueOf(traffic.expectedTotalNano(), 9)
        .divide(BigDecimal.valueOf(1.2), 9, RoundingMode.DOWN).toPlainString();
    putRule(settings, RULE_ID, RULE.formatted(budget));
  }

  /** Puts {@code rule} (JSON) under {@code id} on the application's rules topic; null deletes the rule. */
  public static void putRule(Properties settings, String id, String rule) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"));
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(settings.getProperty("costpipe.topic.alert-rules"), id, rule));
    }
  }

  /**
   * Every output is exactly what the traffic must give: one cost record per request (or its revisions 0, 1, …,
   * each but the last emitted incomplete), the latest exact; sums, alerts, DLQ.
   */
  public static void assertExactTotals(Properties settings, MixedTraffic traffic) {
    TopologyConfig config = TopologyConfig.from(settings);
    String bootstrap = settings.getProperty("bootstrap.servers");
    List<ConsumerRecord<String, String>> costs = TopicReader.readUntil(bootstrap, config.costsTopic(),
        got -> {
          Map<String, CostRecord> latest = latestRevisions(got);
          return traffic.expected.entrySet().stream().allMatch(e -> latest.containsKey(e.getKey())
              && latest.get(e.getKey()).usage().equals(e.getValue().usage()));
        }, WAIT);
    Map<String, CostRecord> byId = latestRevisions(costs);
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
    // each dimension's windows are updated on their own partitions: wait until every one has caught up
    String day = "/1d/" + traffic.day();
    Map<String, Long> want = new HashMap<>();
    want.put("total/all" + day, total);
    perUser.forEach((user, cost) -> want.put("user/" + user + day, cost));
    var aggregates = TopicReader.readUntil(bootstrap, config.aggregatesTopic(), got -> {
      Map<String, JsonNode> now = latest(got);
      JsonNode totalDay = now.get("total/all" + day);
      return totalDay != null && totalDay.path("requests").asLong() >= requests
          && want.entrySet().stream().allMatch(e -> now.containsKey(e.getKey())
              && now.get(e.getKey()).path("cost_nano_usd").asLong() == e.getValue());
    }, WAIT);
    assertVersionsIncrease(aggregates);
    Map<String, JsonNode> latest = latest(aggregates);
    JsonNode totalDay = latest.get("total/all" + day);
    assertThat(totalDay.path("requests").asLong()).isEqualTo(requests);
    assertThat(totalDay.path("cost_nano_usd").asLong()).isEqualTo(total);
    long hourSum = latest.entrySet().stream().filter(e -> e.getKey().startsWith("total/all/1h/"))
        .mapToLong(e -> e.getValue().path("cost_nano_usd").asLong()).sum();
    assertThat(hourSum).isEqualTo(total);
    perUser.forEach((user, cost) -> assertThat(latest.get("user/" + user + day)
        .path("cost_nano_usd").asLong()).as(user).isEqualTo(cost));

    var alerts = TopicReader.readUntil(bootstrap, config.alertsTopic(), got -> got.size() >= 4, WAIT);
    assertThat(alerts).extracting(r -> TopologyFixture.read(r.value()).path("level_pct").asInt())
        .containsExactly(50, 80, 95, 100);
  }

  /** The latest revision of each request's cost record; checks that its revisions came in order, each corrected. */
  public static Map<String, CostRecord> latestRevisions(List<ConsumerRecord<String, String>> costs) {
    Map<String, CostRecord> byId = new HashMap<>();
    for (var r : costs) {
      CostRecord c = CostRecordJson.read(r.value());
      CostRecord before = byId.put(c.requestId(), c);
      assertThat(c.revision()).as("revision of " + c.requestId()).isEqualTo(before == null ? 0 : before.revision() + 1);
      if (before != null) {
        assertThat(before.errors()).as("a revision follows an incomplete record: " + c.requestId())
            .contains(CostEngine.INCOMPLETE);
        assertThat(c.timestamp()).as("a revision keeps the first one's time").isEqualTo(before.timestamp());
      }
    }
    return byId;
  }

  /** Each window's updates, in the order written, have strictly increasing versions: none goes backwards. */
  private static void assertVersionsIncrease(List<ConsumerRecord<String, String>> updates) {
    Map<String, Long> last = new HashMap<>();
    for (var r : updates) {
      long version = TopologyFixture.read(r.value()).path("version").asLong();
      Long before = last.put(r.key(), version);
      assertThat(version).as("version of " + r.key() + " after " + before).isGreaterThan(before == null ? 0 : before);
    }
  }

  private static Map<String, JsonNode> latest(List<ConsumerRecord<String, String>> updates) {
    Map<String, JsonNode> latest = new HashMap<>();
    for (var r : updates) {
      JsonNode u = TopologyFixture.read(r.value());
      latest.merge(r.key(), u, (a, b) -> b.path("version").asLong() >= a.path("version").asLong() ? b : a);
    }
    return latest;
  }

  /** Waits until the application has committed at least {@code n} cost records; returns how many it saw. */
  public static int waitForCosts(Properties settings, int n) {
    int seen = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
        settings.getProperty("costpipe.topic.costs"), got -> got.size() >= n, WAIT).size();
    assertThat(seen).as("cost records so far").isGreaterThanOrEqualTo(n);
    return seen;
  }

  /** The application in a JVM of its own, with the given heap limit, its output in {@code log}. */
  public static Process startChild(Properties settings, String maxHeap, Path log) throws IOException {
    Path config = Files.createTempFile("costpipe-it", ".properties");
    try (var w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      settings.store(w, "integration test");
    }
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "-cp", classpath, CostpipeApplication.class.getName(),
        config.toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
