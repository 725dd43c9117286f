package dev.costpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.bench.SoakFaultPlan.Fault;
import dev.costpipe.bench.SoakFaultPlan.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakFaultPlanTest {

  @Test
  void thirtyMinutesKillTheApplicationEveryThreeMinutesAndRestartEachServerTwice() {
    Duration traffic = Duration.ofMinutes(30);
    SoakFaultPlan plan = SoakFaultPlan.of(traffic, SoakFaultPlan.defaultKillEvery(traffic));

    assertThat(plan.count(Kind.KILL_APPLICATION)).isEqualTo(9);
    assertThat(plan.count(Kind.RESTART_BROKER)).isEqualTo(2);
    assertThat(plan.count(Kind.RESTART_CLICKHOUSE)).isEqualTo(2);
    assertInOrderApartAndUnderLoad(plan.faults(), traffic, Duration.ofSeconds(50));
  }

  @Test
  void aThreeMinuteTryStillHasEveryKindOfFaultAtLeastTwice() {
    Duration traffic = Duration.ofMinutes(3);
    SoakFaultPlan plan = SoakFaultPlan.of(traffic, SoakFaultPlan.defaultKillEvery(traffic));

    assertThat(SoakFaultPlan.defaultKillEvery(traffic)).isEqualTo(Duration.ofMinutes(1));
    for (Kind kind : Kind.values()) {
      assertThat(plan.count(kind)).as(kind.name()).isGreaterThanOrEqualTo(2);
    }
    assertInOrderApartAndUnderLoad(plan.faults(), traffic, Duration.ofSeconds(5));
  }

  private static void assertInOrderApartAndUnderLoad(List<Fault> faults, Duration traffic, Duration apart) {
    for (int i = 1; i < faults.size(); i++) {
      assertThat(faults.get(i).at().minus(faults.get(i - 1).at())).as("gap before fault %d", i)
          .isGreaterThanOrEqualTo(apart);
    }
    assertThat(faults.get(faults.size() - 1).at()).isLessThanOrEqualTo(traffic.multipliedBy(9).dividedBy(10));
  }
}
