package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.WAIT;
import static dev.costpipe.topology.it.PipelineHarness.awaitRawTopic;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Rules put mid-window on a real broker (3 partitions): one an aggregate holds is seeded from the window's
 * totals and fires at once; one none holds says since when it counts; a kill -9 and restart seeds nothing twice.
 */
class AlertSeedingIntegrationTest {
  private static final String DAY = "2026-06-01";

  @Test
  void aRulePutMidWindowIsSeededOnceAndACombinedFilterSaysItIsPartial() throws Exception {
    Properties settings = settings(KafkaTestBroker.shared().bootstrapServers(), "alert-seeding");
    String bootstrap = settings.getProperty("bootstrap.servers");
    Path log = Files.createTempFile("costpipe-it-alert-seeding", ".log");
    Process app = startChild(settings, "384m", log);
    try {
      awaitRawTopic(settings);
      produce(settings, requests("before", 10, "alice", 0));
      produce(settings, requests("bob", 5, "bob", 20));
      // the window's totals are committed: the aggregates hold alice's 10 requests
      TopicReader.readUntil(bootstrap, settings.getProperty("costpipe.topic.cost-aggregates"),
          got -> got.stream().anyMatch(r -> r.key().equals("user/alice/1d/" + DAY + "T00:00:00Z")
              && TopologyFixture.read(r.value()).path("requests").asLong() == 10), WAIT);

      Instant put = Instant.now();
      putRule(settings, "alice-daily", "{\"metric\":\"requests\",\"budget_count\":20,\"window\":\"1d\","
          + "\"levels\":[50,100],\"filter\":{\"user_id\":\"alice\"}}");
      putRule(settings, "alice-mini", "{\"metric\":\"requests\",\"budget_count\":10,\"window\":\"1d\","
          + "\"levels\":[50,100],\"filter\":{\"user_id\":\"alice\",\"model\":\"gpt-4o-mini\"}}");
      List<JsonNode> seeded = alerts(settings, 1);
      assertThat(seeded).as("log " + log).extracting(AlertSeedingIntegrationTest::label)
          .containsExactly("alice-daily@50 spent 10");
      assertThat(seeded.get(0).has("partial_since")).isFalse();

      app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      app = startChild(settings, "384m", log);
      produce(settings, requests("after", 10, "alice", 30));

      List<JsonNode> all = alerts(settings, 4);
      assertThat(all).as("log " + log).extracting(AlertSeedingIntegrationTest::label).containsExactlyInAnyOrder(
          "alice-daily@50 spent 10", "alice-daily@100 spent 20", "alice-mini@50 spent 5", "alice-mini@100 spent 10");
      assertThat(all).filteredOn(a -> a.path("rule_id").asText().equals("alice-mini")).allSatisfy(a ->
          assertThat(Instant.parse(a.path("partial_since").asText())).isBetween(put.minusSeconds(1),
              put.plusSeconds(30)));
      assertThat(all).filteredOn(a -> a.path("rule_id").asText().equals("alice-daily"))
          .allSatisfy(a -> assertThat(a.has("partial_since")).isFalse());
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** {@code n} requests of {@code user} in the test's day, a minute apart from minute {@code fromMinute}. */
  private static List<Map.Entry<String, String>> requests(String prefix, int n, String user, int fromMinute) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      String at = Instant.parse(DAY + "T10:00:00Z").plusSeconds(60L * (fromMinute + i)).toString();
      out.add(Map.entry(id, Events.openAi(id, at, "gpt-4o-mini", 100, 10, Map.of("Helicone-User-Id", user))));
    }
    return out;
  }

  /** Every committed alert once there are at least {@code n} (and a little longer, to catch one too many). */
  private static List<JsonNode> alerts(Properties settings, int n) {
    return TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
        settings.getProperty("costpipe.topic.cost-alerts"), got -> got.size() >= n, WAIT).stream()
        .map(r -> TopologyFixture.read(r.value())).toList();
  }

  private static String label(JsonNode alert) {
    return alert.path("rule_id").asText() + "@" + alert.path("level_pct").asInt() + " spent "
        + alert.path("spent").asText();
  }

  private static void putRule(Properties settings, String id, String json) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"));
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(settings.getProperty("costpipe.topic.alert-rules"), id,
          "{\"id\":\"" + id + "\"," + json.substring(1)));
    }
  }
}
