package dev.costpipe.topology.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.aggregate.AggregateUpdate;
import dev.costpipe.topology.aggregate.CostContribution;
import dev.costpipe.topology.aggregate.Dimension;
import dev.costpipe.topology.aggregate.DimensionSplit;
import dev.costpipe.topology.serde.CostpipeSerdes;
import dev.costpipe.topology.serde.OutputFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window step alone: contributions by dimension in, typed updates of each window's totals out. The
 * contributions are written as an earlier version wrote them (one per record), as an upgrade finds them on the
 * repartition topic.
 */
class WindowTotalsStepTest {
  @TempDir
  Path stateDir;

  @Test
  void eachContributionUpdatesItsWindowsTotalsUntilTheGraceEnds() {
    OutputFormat json = OutputFormat.from(new Properties());
    StreamsBuilder b = new StreamsBuilder();
    WindowTotalsStep.sum(b.stream("by-dimension", Consumed.with(Serdes.String(), CostpipeSerdes.contributionSum())),
            Duration.ofHours(1), Duration.ofMinutes(10), new PipelineCounters())
        .to("aggregates", Produced.with(Serdes.String(), json.aggregateUpdates()));
    try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), TopologyFixture.driverSettings(stateDir))) {
      TestInputTopic<String, CostContribution> in = driver.createInputTopic("by-dimension",
          Serdes.String().serializer(), CostpipeSerdes.costContribution().serializer());
      TestOutputTopic<String, AggregateUpdate> out = driver.createOutputTopic("aggregates",
          Serdes.String().deserializer(), json.aggregateUpdates().deserializer());
      String alice = DimensionSplit.key(Dimension.USER, "alice");

      in.pipeInput(alice, user(1_000, false), Instant.parse("2026-06-01T10:05:00Z"));
      in.pipeInput(alice, user(2_000, true), Instant.parse("2026-06-01T10:55:00Z"));
      in.pipeInput(alice, user(4_000, false), Instant.parse("2026-06-01T11:20:00Z"));
      in.pipeInput(alice, user(8_000, false), Instant.parse("2026-06-01T10:59:00Z"));

      var updates = out.readKeyValuesToList();
      assertThat(updates).extracting(kv -> kv.key).containsExactly("user/alice/1h/2026-06-01T10:00:00Z",
          "user/alice/1h/2026-06-01T10:00:00Z", "user/alice/1h/2026-06-01T11:00:00Z");
      AggregateUpdate tenOClock = updates.get(1).value;
      assertThat(tenOClock.window()).isEqualTo("1h");
      assertThat(tenOClock.windowStart()).isEqualTo(Instant.parse("2026-06-01T10:00:00Z"));
      assertThat(tenOClock.windowEnd()).isEqualTo(Instant.parse("2026-06-01T11:00:00Z"));
      assertThat(tenOClock.totals().costNanoUsd()).isEqualTo(3_000);
      assertThat(tenOClock.totals().requests()).isEqualTo(2);
      assertThat(tenOClock.totals().version()).isEqualTo(2);
      assertThat(tenOClock.toTree().path("cache_hits").asLong()).isEqualTo(1);
      assertThat(updates).extracting(kv -> kv.value.key()).containsExactlyElementsOf(
          updates.stream().map(kv -> kv.key).toList());
    }
  }

  @Test
  void contributionsToClosedWindowsAreCountedAndDropped() {
    OutputFormat json = OutputFormat.from(new Properties());
    PipelineCounters counters = new PipelineCounters();
    StreamsBuilder b = new StreamsBuilder();
    WindowTotalsStep.sum(b.stream("by-dimension", Consumed.with(Serdes.String(), CostpipeSerdes.contributionSum())),
            Duration.ofHours(1), Duration.ofMinutes(10), counters)
        .to("aggregates", Produced.with(Serdes.String(), json.aggregateUpdates()));
    String alice = DimensionSplit.key(Dimension.USER, "alice");
    try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), TopologyFixture.driverSettings(stateDir))) {
      TestInputTopic<String, CostContribution> in = driver.createInputTopic("by-dimension",
          Serdes.String().serializer(), CostpipeSerdes.costContribution().serializer());
      TestOutputTopic<String, AggregateUpdate> out = driver.createOutputTopic("aggregates",
          Serdes.String().deserializer(), json.aggregateUpdates().deserializer());

      in.pipeInput(alice, user(1_000, false), Instant.parse("2026-06-01T10:05:00Z"));
      in.pipeInput(alice, user(2_000, false), Instant.parse("2026-06-01T11:10:00Z"));
      // 11:10 is the 10:00 window's end plus its grace: closed
      in.pipeInput(alice, user(4_000, false), Instant.parse("2026-06-01T10:30:00Z"));

      assertThat(out.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(
          "user/alice/1h/2026-06-01T10:00:00Z", "user/alice/1h/2026-06-01T11:00:00Z");
      assertThat(counters.get("late_contributions_dropped.aggregates-1h")).isEqualTo(1);
    }
  }

  private static CostContribution user(long nanoUsd, boolean cacheHit) {
    return new CostContribution("user", "alice", nanoUsd, 10, 1, 0, 0, cacheHit, 0, false, false, null, null);
  }
}
