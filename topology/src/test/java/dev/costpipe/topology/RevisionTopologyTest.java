package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.record.CostRecord;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A request emitted incomplete, then corrected by its late events: what the aggregates make of its revisions. */
class RevisionTopologyTest {

  @Test
  void aRevisionTakesBackThePreviousOneUnderTheDimensionsItHad() {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.inactivity-timeout", "PT10M");
    p.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      List<String> events = Events.anthropicStream("late", "2026-06-01T00:00:00Z", 1000, 50);
      // the request event, which tells who called, arrives after the inactivity timeout
      ObjectNode request = (ObjectNode) TopologyFixture.read(events.get(0));
      request.putObject("headers").put("Helicone-User-Id", "alice").put("Helicone-Session-Id", "s1");
      f.send(events.get(1));
      f.send(events.get(2));
      f.send(Events.openAi("other", "2026-06-01T00:11:00Z", "gpt-4o", 100, 10, Map.of("Helicone-User-Id", "bob")));
      CostRecord first = f.readCosts().stream().filter(r -> r.requestId().equals("late")).findFirst().orElseThrow();
      assertThat(first.errors()).contains(CostEngine.INCOMPLETE);
      assertThat(first.userId()).isNull();

      f.send(request.toString());
      events.subList(3, events.size()).forEach(f::send);
      List<CostRecord> costs = f.readCosts();
      CostRecord last = costs.get(costs.size() - 1);
      assertThat(last.requestId()).isEqualTo("late");
      assertThat(last.revision()).isEqualTo(costs.size()); // revision 1, or 2 when the request made one alone
      assertThat(last.errors()).doesNotContain(CostEngine.INCOMPLETE);
      assertThat(last.userId()).isEqualTo("alice");
      assertThat(last.timestamp()).isEqualTo(first.timestamp());
      assertThat(last.costNanoUsd()).isGreaterThan(first.costNanoUsd());

      Map<String, JsonNode> latest = TopologyFixture.latestWindows(f.readAggregates());
      long otherCost = latest.get("user/bob/1h/2026-06-01T00:00:00Z").path("cost_nano_usd").asLong();
      JsonNode total = latest.get("total/all/1h/2026-06-01T00:00:00Z");
      assertThat(total.path("requests").asLong()).isEqualTo(2);
      assertThat(total.path("cost_nano_usd").asLong()).isEqualTo(last.costNanoUsd() + otherCost);
      assertThat(total.path("input_tokens").asLong()).isEqualTo(1100);
      JsonNode alice = latest.get("user/alice/1h/2026-06-01T00:00:00Z");
      assertThat(alice.path("requests").asLong()).isEqualTo(1);
      assertThat(alice.path("cost_nano_usd").asLong()).isEqualTo(last.costNanoUsd());
      assertThat(latest.get("session/s1/1d/2026-06-01T00:00:00Z").path("cost_nano_usd").asLong())
          .isEqualTo(last.costNanoUsd());
      // every dimension sums to the total: what the first revision added under its own values was taken back
      for (String dimension : List.of("model", "provider")) {
        long requests = 0;
        long cost = 0;
        for (var e : latest.entrySet()) {
          if (e.getKey().startsWith(dimension + "/") && e.getKey().endsWith("/1h/2026-06-01T00:00:00Z")) {
            requests += e.getValue().path("requests").asLong();
            cost += e.getValue().path("cost_nano_usd").asLong();
          }
        }
        assertThat(requests).as(dimension).isEqualTo(2);
        assertThat(cost).as(dimension).isEqualTo(total.path("cost_nano_usd").asLong());
      }
    }
  }

}
