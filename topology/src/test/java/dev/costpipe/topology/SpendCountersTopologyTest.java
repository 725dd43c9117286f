package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.record.CostRecord;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What the spend counters make of a request emitted incomplete and revised by its late events. */
class SpendCountersTopologyTest {

  @Test
  void aRevisedRequestCountsOnceAndSumsToItsLastCostAndTokens() {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.inactivity-timeout", "PT10M");
    p.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      List<String> events = Events.anthropicStream("late", "2026-06-01T00:00:00Z", 1000, 50);
      f.send(events.get(1));
      f.send(events.get(2));
      f.send(Events.openAi("other", "2026-06-01T00:11:00Z", "gpt-4o", 100, 10, Map.of()));
      f.send(events.get(0));
      events.subList(3, events.size()).forEach(f::send);
      List<CostRecord> costs = f.readCosts();
      CostRecord last = costs.get(costs.size() - 1);
      assertThat(last.revision()).isPositive();
      CostRecord gpt4o = costs.stream().filter(r -> r.requestId().equals("other")).findFirst().orElseThrow();

      // each figure's increase counts under the record that brought it: the sums over label sets are exact
      Map<SpendCounters.Labels, SpendCounters.Tally> spend = f.counters.spend().snapshot();
      assertThat(spend.values().stream().mapToLong(SpendCounters.Tally::requests).sum()).isEqualTo(2);
      assertThat(spend.values().stream().mapToLong(SpendCounters.Tally::costNanoUsd).sum())
          .isEqualTo(last.costNanoUsd() + gpt4o.costNanoUsd());
      assertThat(spend.values().stream().mapToLong(SpendCounters.Tally::inputTokens).sum()).isEqualTo(1100);
      assertThat(spend.values().stream().mapToLong(SpendCounters.Tally::outputTokens).sum()).isEqualTo(60);
      assertThat(SpendCounters.labels(last)).isEqualTo(new SpendCounters.Labels("anthropic", last.modelKey(),
          "priced"));
      assertThat(spend.get(new SpendCounters.Labels("openai", "openai/gpt-4o", "priced")).costNanoUsd())
          .isEqualTo(gpt4o.costNanoUsd());
    }
  }
}
