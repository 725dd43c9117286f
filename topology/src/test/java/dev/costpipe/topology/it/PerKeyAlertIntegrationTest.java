package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.WAIT;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.app.CostpipeApplication;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A {@code per: user_id} rule on a real broker, two application instances sharing the work: each user alone, each
 * level of each user once, and no other alert once the instances have read and committed all of the traffic.
 */
class PerKeyAlertIntegrationTest {
  private static final String RULE = "{\"id\":\"per-user\",\"name\":\"Each user\",\"metric\":\"requests\","
      + "\"budget_count\":10,\"window\":\"1d\",\"levels\":[50,100],\"per\":\"user_id\"}";

  @Test
  void aPerUserRuleAlertsTwoUsersIndependentlyAcrossTwoInstances() throws Exception {
    Properties settings = settings(KafkaTestBroker.shared().bootstrapServers(), "per-user");
    Properties second = new Properties();
    second.putAll(settings);
    second.setProperty("state.dir", Files.createTempDirectory("costpipe-it-per-user-b").toString());
    try (CostpipeApplication a = new CostpipeApplication(settings);
        CostpipeApplication b = new CostpipeApplication(second)) {
      a.start();
      b.start();
      PipelineHarness.putRule(settings, "per-user", RULE);
      // the rule in force before the traffic: every request is counted, none seeded
      Await.until("both instances hold the rule", WAIT,
          () -> PipelineHarness.storesRule(a, "per-user", RULE) && PipelineHarness.storesRule(b, "per-user", RULE));
      // alice: 10 requests (50%, then 100%); bob: 6 (50% only); carol: 4 (none); no user: counted for nobody
      List<Map.Entry<String, String>> traffic = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        traffic.add(request("alice-" + i, i, "alice"));
        if (i < 6) {
          traffic.add(request("bob-" + i, i, "bob"));
        }
        if (i < 4) {
          traffic.add(request("carol-" + i, i, "carol"));
        }
        traffic.add(request("nobody-" + i, i, null));
      }
      produce(settings, traffic);

      // every alert the traffic can cause is committed once its records are, duplicates and extras included
      InputsConsumed.await(settings, WAIT);
      var alerts = TopicReader.readToEnd(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.cost-alerts"), WAIT).stream()
          .map(r -> TopologyFixture.read(r.value())).toList();
      assertThat(alerts).extracting(n -> n.path("per_value").asText() + "@" + n.path("level_pct").asInt()
          + " spent " + n.path("spent").asText()).containsExactlyInAnyOrder("alice@50 spent 5",
          "alice@100 spent 10", "bob@50 spent 5");
      assertThat(alerts).allSatisfy(n -> {
        assertThat(n.path("rule_id").asText()).isEqualTo("per-user");
        assertThat(n.path("per").asText()).isEqualTo("user_id");
        assertThat(n.path("budget").asLong()).isEqualTo(10);
      });
    }
  }

  private static Map.Entry<String, String> request(String id, int minute, String user) {
    String at = Instant.parse("2026-06-01T10:00:00Z").plusSeconds(60L * minute).toString();
    return Map.entry(id, Events.openAi(id, at, "gpt-4o-mini", 100, 10,
        user == null ? Map.of() : Map.of("Helicone-User-Id", user)));
  }

}
