package dev.costpipe.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * When the soak run ({@link SoakCommand}) puts which fault on the pipeline while its traffic flows: the
 * application killed ({@code kill -9}) every {@code killEvery}, the broker and ClickHouse each restarted twice,
 * at fractions of the run chosen so that no two faults fall on the same moment; all within the first 90% of the
 * traffic, so the last recovery is still under load.
 */
record SoakFaultPlan(List<Fault> faults) {

  enum Kind { KILL_APPLICATION, RESTART_BROKER, RESTART_CLICKHOUSE }

  record Fault(Duration at, Kind kind) {}

  private static final double[] BROKER_AT = {0.27, 0.63};
  private static final double[] CLICKHOUSE_AT = {0.43, 0.83};

  static SoakFaultPlan of(Duration traffic, Duration killEvery) {
    if (killEvery.isZero() || killEvery.isNegative()) {
      throw new IllegalArgumentException("the application must be killed at some interval, got " + killEvery);
    }
    Duration last = traffic.multipliedBy(9).dividedBy(10);
    List<Fault> faults = new ArrayList<>();
    for (Duration at = killEvery; at.compareTo(last) <= 0; at = at.plus(killEvery)) {
      faults.add(new Fault(at, Kind.KILL_APPLICATION));
    }
    for (double f : BROKER_AT) {
      faults.add(new Fault(fraction(traffic, f), Kind.RESTART_BROKER));
    }
    for (double f : CLICKHOUSE_AT) {
      faults.add(new Fault(fraction(traffic, f), Kind.RESTART_CLICKHOUSE));
    }
    faults.sort(Comparator.comparing(Fault::at));
    return new SoakFaultPlan(List.copyOf(faults));
  }

  /** The default interval between kills: 3 minutes, or a third of a shorter run (so it has at least two). */
  static Duration defaultKillEvery(Duration traffic) {
    Duration third = traffic.dividedBy(3);
    return third.compareTo(Duration.ofMinutes(3)) < 0 ? third : Duration.ofMinutes(3);
  }

  long count(Kind kind) {
    return faults.stream().filter(f -> f.kind() == kind).count();
  }

  private static Duration fraction(Duration d, double f) {
    return Duration.ofMillis(Math.round(d.toMillis() * f));
  }
}
