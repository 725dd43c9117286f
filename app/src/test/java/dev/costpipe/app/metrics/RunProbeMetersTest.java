package dev.costpipe.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.steps.ChunkMergeStep;
import dev.costpipe.topology.steps.ParseStep;
import dev.costpipe.topology.steps.PriceStep;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class RunProbeMetersTest {

  @Test
  void futureEventTimesAndRefusedWritesHaveMetersOfTheirOwn() {
    assertThat(RunProbe.meter(ParseStep.FUTURE_TIME)).hasValueSatisfying(m -> {
      assertThat(m.name()).isEqualTo("costpipe.raw.events.future.time");
      assertThat(m.tags()).isEqualTo(Tags.empty());
    });
    assertThat(RunProbe.meter("produce.refused.invalid_timestamp")).hasValueSatisfying(m -> {
      assertThat(m.name()).isEqualTo("costpipe.writes.refused");
      assertThat(m.tags()).isEqualTo(Tags.of("reason", "invalid_timestamp"));
    });
  }

  @Test
  void reportedCostDisagreementsAreNotAPricingStatus() {
    assertThat(RunProbe.meter(PriceStep.REPORTED_COST_DISAGREEMENT)).hasValueSatisfying(m -> {
      assertThat(m.name()).isEqualTo("costpipe.reported.cost.disagreements");
      assertThat(m.tags()).isEqualTo(Tags.empty());
    });
    assertThat(RunProbe.meter(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).hasValueSatisfying(m -> {
      assertThat(m.name()).isEqualTo("costpipe.merge");
      assertThat(m.tags()).isEqualTo(Tags.of("outcome", "usage_event_superseded"));
    });
  }
}
