package dev.costpipe.topology.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class FutureEventTimeTest {
  private static final Instant INGESTED = Instant.parse("2026-06-01T10:00:00Z");

  @Test
  void anEventFarAheadOfItsIngestionIsPricedAtItsIngestionTimeAndFlagged() {
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      f.raw.pipeInput(new TestRecord<>("ahead",
          Events.openAi("ahead", "2026-06-01T13:00:00Z", "gpt-4o-mini", 1000, 100, Map.of()), INGESTED));
      f.raw.pipeInput(new TestRecord<>("good",
          Events.openAi("good", "2026-06-01T10:00:01Z", "gpt-4o-mini", 1000, 100, Map.of()), INGESTED));

      List<CostRecord> costs = f.readCosts();
      assertThat(costs).extracting(CostRecord::requestId).containsExactly("ahead", "good");
      assertThat(costs.get(0).timestamp()).isEqualTo(INGESTED);
      assertThat(costs.get(0).errors()).containsExactly("event time in the future: 2026-06-01T13:00:00Z");
      assertThat(costs.get(0).costNanoUsd()).isEqualTo(costs.get(1).costNanoUsd());
      assertThat(costs.get(1).errors()).isEmpty();
      assertThat(f.counters.get(ParseStep.FUTURE_TIME)).isEqualTo(1);
      // both count in the hour they were ingested in, none in the claimed one
      var hours = f.aggregates.readKeyValuesToList().stream().filter(a -> a.key.startsWith("total/all/1h/")).toList();
      assertThat(hours).extracting(a -> a.key).containsOnly("total/all/1h/2026-06-01T10:00:00Z");
      assertThat(TopologyFixture.read(hours.get(hours.size() - 1).value).path("requests").asLong()).isEqualTo(2);
    }
  }

  @Test
  void aFlaggedEventKeepsItsFlagThroughTheRepartitionTopicAndTheMergeStore() {
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      List<String> events = Events.anthropicStream("s1", "2026-06-01T12:00:00Z", 100, 20);
      for (int i = 0; i < events.size(); i++) {
        // epoch millis are a timestamp too; the request event arrives keyed otherwise, through the repartition
        String e = i == 0 ? events.get(i).replace("\"2026-06-01T12:00:00Z\"", "1780315200000") : events.get(i);
        f.raw.pipeInput(new TestRecord<>(i == 0 ? "other" : "s1", e, INGESTED.plusSeconds(i)));
      }
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.timestamp()).isEqualTo(INGESTED);
        assertThat(r.errors()).containsExactly("event time in the future: 1780315200000");
        assertThat(r.usage().outputTokens()).isEqualTo(20);
      });
      assertThat(f.counters.get(ParseStep.FUTURE_TIME)).isEqualTo(events.size());
    }
  }

  @Test
  void anEventWithinTheBoundKeepsItsTime() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("costpipe.event-time.max-future", "10m");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      f.raw.pipeInput(new TestRecord<>("soon",
          Events.openAi("soon", "2026-06-01T10:09:00Z", "gpt-4o-mini", 1000, 100, Map.of()), INGESTED));
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-06-01T10:09:00Z"));
        assertThat(r.errors()).isEmpty();
      });
      assertThat(f.counters.get(ParseStep.FUTURE_TIME)).isZero();
    }
  }
}
