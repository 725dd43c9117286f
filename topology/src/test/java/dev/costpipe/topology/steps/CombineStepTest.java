package dev.costpipe.topology.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Contributions summed in the task before the repartition: the windows' totals (versions included) equal those
 * the contributions make one by one, revisions and sessions too; sums are sent by wall clock, idle partitions and
 * months-old traffic included; and far fewer records cross to the windows.
 */
class CombineStepTest {
  private static final Duration INTERVAL = Duration.ofMillis(500);

  @Test
  void combinedTotalsEqualTheContributionsAddedOneByOneVersionsIncluded() {
    Run single = run("0s");
    Run combined = run("500ms");
    assertThat(combined.latest).isEqualTo(single.latest);
    assertThat(combined.latest).containsKeys("total/all/1h/2026-06-01T00:00:00Z", "total/all/1h/2026-06-01T01:00:00Z",
        "user/alice/1d/2026-06-01T00:00:00Z", "session/s1/1h/2026-06-01T00:00:00Z");
    JsonNode total = combined.latest.get("total/all/1d/2026-06-01T00:00:00Z");
    assertThat(total.path("requests").asLong()).isEqualTo(32);
    // the late request's three earlier revisions, each added and then taken back: six more updates than requests
    assertThat(total.path("version").asLong()).isEqualTo(38);
    assertThat(combined.updates).isLessThan(single.updates * 3 / 4); // sent every other request here
  }

  @Test
  void sumsWaitForTheIntervalAndGoOutByWallClockOnAnIdlePartitionMonthsOldTrafficToo() {
    Properties p = new Properties();
    p.setProperty("costpipe.aggregate.combine-interval", "500ms");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      for (int i = 0; i < 5; i++) {
        f.send(Events.openAi("old-" + i, "2026-02-01T10:0" + i + ":00Z", "gpt-4o", 100, 10,
            Map.of("Helicone-User-Id", "alice")));
      }
      assertThat(f.readCosts()).hasSize(5);
      assertThat(f.readAggregates()).isEmpty();

      f.driver.advanceWallClockTime(INTERVAL); // no more input: the wall clock alone sends them
      List<JsonNode> updates = f.readAggregates();
      assertThat(updates).hasSize(2 * 4); // user, model, provider, total; 1h and 1d: one update each, not five
      JsonNode alice = TopologyFixture.latestWindows(updates).get("user/alice/1h/2026-02-01T10:00:00Z");
      assertThat(alice.path("requests").asLong()).isEqualTo(5);
      assertThat(alice.path("version").asLong()).isEqualTo(5);
      assertThat(alice.path("cost_nano_usd").asLong()).isEqualTo(5 * 350_000L);

      f.driver.advanceWallClockTime(INTERVAL);
      assertThat(f.readAggregates()).isEmpty(); // sent once, then removed
    }
  }

  private record Run(Map<String, JsonNode> latest, int updates) {}

  /**
   * 30 calls by three users in two sessions over two hours, a late-corrected streamed request (two revisions) and
   * a call priced twice by two models' names, with the wall clock moved between batches.
   */
  private static Run run(String interval) {
    Properties p = new Properties();
    p.setProperty("costpipe.aggregate.combine-interval", interval);
    p.setProperty("costpipe.merge.inactivity-timeout", "PT10M");
    p.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      List<String> late = Events.anthropicStream("late", "2026-06-01T00:00:00Z", 1000, 50);
      ObjectNode request = (ObjectNode) TopologyFixture.read(late.get(0));
      request.putObject("headers").put("Helicone-User-Id", "alice").put("Helicone-Session-Id", "s1")
          .put("Helicone-Session-Path", "/plan");
      f.send(late.get(1));
      f.send(late.get(2));
      String[] users = {"alice", "bob", "carol"};
      String[] models = {"gpt-4o", "gpt-4o-mini"};
      int updates = 0;
      for (int i = 0; i < 30; i++) {
        Instant at = Instant.parse("2026-06-01T00:05:00Z").plus(Duration.ofMinutes(4L * i));
        f.send(Events.openAi("r" + i, at.toString(), models[i % 2], 100 + i, 10 + i,
            Map.of("Helicone-User-Id", users[i % 3], "Helicone-Session-Id", "s" + (i % 2),
                "Helicone-Session-Path", i % 4 == 0 ? "/plan" : "/act", "Helicone-Property-Tier", "free")));
        if (i == 5) {
          f.send(request.toString()); // the late request's own event: a revision that takes the first back
          late.subList(3, late.size()).forEach(f::send);
        }
        if (i % 2 == 1) {
          // sent within the grace: in the test driver the windows go by the whole topology's stream time
          f.driver.advanceWallClockTime(INTERVAL);
        }
      }
      f.send(Events.openAi("last", "2026-06-01T02:10:00Z", "gpt-4o", 1, 1, Map.of()));
      f.driver.advanceWallClockTime(INTERVAL);
      List<JsonNode> all = f.readAggregates();
      return new Run(TopologyFixture.latestWindows(all), all.size());
    }
  }

}
