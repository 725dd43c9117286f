package dev.costpipe.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step (3) of a {@link BenchRun}: costpipe, still running, gets raw events paced at a given rate while a gateway's
 * budget checks are timed ({@link BudgetCheckLoad}), first for a warm-up not measured, then for the measured phase:
 * each request's latency is its cost record's append time minus its last event's (and, beside it, until a live
 * {@code read_committed} reader had the record), and the phase's CPU and records written are counted per raw event.
 */
final class PacedPhase {
  /** Returns once costpipe's group has committed {@code events} raw events in all. */
  interface Consumption {
    void await(String label, long events) throws InterruptedException;
  }

  /**
   * What the measured phase (its sending and the consumption of its events) cost per raw event: CPU µs of costpipe,
   * the broker and this harness (its producer, budget-check caller and committed-records consumer), the cores the
   * three used together, and the records costpipe wrote (all its topics, markers included). Tells whether the
   * machine, not costpipe alone, sets the paced latency, and how costpipe's costs move at a lower rate.
   */
  record Costs(double costpipeMicros, double brokerMicros, double harnessMicros, double coresUsed,
      double recordsWrittenPerEvent) {
    static Costs between(BenchRun.CpuMark before, BenchRun.CpuMark after, double harness, double wall, long events,
        long written) {
      double app = after.appSeconds() - before.appSeconds();
      double broker = after.brokerSeconds() - before.brokerSeconds();
      return new Costs(app * 1e6 / events, broker * 1e6 / events, harness * 1e6 / events,
          (app + broker + harness) / wall, (double) written / events);
    }

    @Override
    public String toString() {
      return String.format("CPU per raw event: costpipe %.1f µs, broker %.1f µs, this harness (producer, budget"
          + " checks, consumer) %.1f µs; together %.2f of %d cores; costpipe wrote %.2f records per raw event",
          costpipeMicros, brokerMicros, harnessMicros, coresUsed, Runtime.getRuntime().availableProcessors(),
          recordsWrittenPerEvent);
    }
  }

  /** The measured phase: latencies in ms over its requests. */
  record Result(RawTraffic.Paced paced, BudgetCheckLoad.Result budgetCheck, Costs costs, double p50Ms, double p99Ms,
      long maxMs, double readableP99Ms) {}

  /** Each paced request's latency, sorted: until its cost record was appended, and until a live reader had it. */
  private record Latencies(List<Long> appended, List<Long> readable) {}

  private final BenchPlan plan;
  private final String bootstrap;
  private final KafkaAdmin admin;
  private final ChildJvm app;
  private final long brokerPid;
  private final String label;
  private final String topics;
  private final String raw;
  private final int httpPort;
  private final Consumption consumption;

  /** {@code topics} is the run's topic prefix (its raw events, costs and alert rules topics). */
  PacedPhase(BenchPlan plan, String bootstrap, KafkaAdmin admin, ChildJvm app, long brokerPid, String label,
      String topics, String raw, int httpPort, Consumption consumption) {
    this.plan = plan;
    this.bootstrap = bootstrap;
    this.admin = admin;
    this.app = app;
    this.brokerPid = brokerPid;
    this.label = label;
    this.topics = topics;
    this.raw = raw;
    this.httpPort = httpPort;
    this.consumption = consumption;
  }

  /**
   * Paced traffic with budget checks for the plan's warm-up seconds, not measured, so that the paced phase's own
   * paths are compiled before its clock starts (without it the JIT compilers of costpipe, the broker and this
   * harness took about a third of the two cores during the measured phase); returns its events once costpipe
   * committed them. Its latency is printed: what the first minute after a start looks like.
   */
  long warmup(double rate, double checksPerSecond, long seed, long eventsBefore) throws Exception {
    Progress.say("%s: paced warm-up at %,.0f events/s for %d s, with the budget checks (not measured)", label, rate,
        plan.pacedWarmupSeconds());
    RawTraffic.Plan planned = RawTraffic.plan(plan.traffic(seed), rate,
        Duration.ofSeconds(plan.pacedWarmupSeconds()));
    RawTraffic.Paced paced;
    try (BudgetCheckLoad checks = BudgetCheckLoad.start(bootstrap, topics + "alert-rules", httpPort,
        checksPerSecond, plan.budgetCheckCallers())) {
      paced = RawTraffic.paced(bootstrap, raw, planned);
    }
    consumption.await(label + " costpipe (paced warm-up)", eventsBefore + paced.sent().events());
    List<Long> appended = latencies(paced, null).appended();
    Progress.say("%s: paced warm-up: %,d requests, latency p50 %.0f ms, p99 %.0f ms", label, paced.sent().requests(),
        Stats.percentile(appended, 50), Stats.percentile(appended, 99));
    return paced.sent().events();
  }

  /**
   * The measured phase, once costpipe has committed {@code eventsBefore} raw events; {@code costpipeTopics} are the
   * topics whose records count as costpipe's writes.
   */
  Result measure(double rate, double checksPerSecond, long seed, long eventsBefore, Set<String> costpipeTopics)
      throws Exception {
    Map<String, Long> before = endOffsets(costpipeTopics);
    Progress.say("%s: paced traffic at %,.0f events/s for %d s", label, rate, plan.pacedSeconds());
    RawTraffic.Plan planned = RawTraffic.plan(plan.traffic(seed), rate, Duration.ofSeconds(plan.pacedSeconds()));
    long start = System.nanoTime();
    BenchRun.CpuMark cpuBefore = BenchRun.CpuMark.now(eventsBefore, app, brokerPid);
    double harnessBefore = CpuTime.seconds(ProcessHandle.current().pid());
    try (CommittedWatch watch = new CommittedWatch(bootstrap, topics + "costs");
        BudgetCheckLoad checks = BudgetCheckLoad.start(bootstrap, topics + "alert-rules", httpPort,
            checksPerSecond, plan.budgetCheckCallers())) {
      RawTraffic.Paced paced = RawTraffic.paced(bootstrap, raw, planned);
      BudgetCheckLoad.Result budgetCheck = checks.stop();
      Progress.say("%s: budget checks during the paced traffic: %,d at %,.0f/s (asked %,.0f/s, %d callers), p50"
          + " %.2f ms, p99 %.2f ms, max %.0f ms, %d not answered 200; control GET /health/live p50 %.2f ms, p99 %.2f"
          + " ms", label, budgetCheck.checks(), budgetCheck.perSecond(), checksPerSecond, budgetCheck.callers(),
          budgetCheck.p50Ms(), budgetCheck.p99Ms(),
          budgetCheck.maxMs(), budgetCheck.failed(), budgetCheck.controlP50Ms(), budgetCheck.controlP99Ms());
      long events = paced.sent().events();
      consumption.await(label + " costpipe (paced)", eventsBefore + events);
      BenchRun.CpuMark cpuAfter = BenchRun.CpuMark.now(eventsBefore + events, app, brokerPid);
      double harness = CpuTime.seconds(ProcessHandle.current().pid()) - harnessBefore;
      double wall = (System.nanoTime() - start) / 1e9;
      long written = 0;
      for (Map.Entry<String, Long> topic : endOffsets(costpipeTopics).entrySet()) {
        long n = topic.getValue() - before.getOrDefault(topic.getKey(), 0L);
        written += n;
        Progress.say("%s:   paced: written to %s: %,d records (%.2f per raw event), markers included", label,
            topic.getKey(), n, (double) n / events);
      }
      Costs costs = Costs.between(cpuBefore, cpuAfter, harness, wall, events, written);
      Progress.say("%s: paced phase, %s", label, costs);
      Latencies latencies = latencies(paced, watch);
      List<Long> appended = latencies.appended();
      Result result = new Result(paced, budgetCheck, costs, Stats.percentile(appended, 50),
          Stats.percentile(appended, 99), appended.get(appended.size() - 1),
          Stats.percentile(latencies.readable(), 99));
      Progress.say("%s: paced %,d requests at %,.0f events/s: latency p50 %.0f ms, p99 %.0f ms, max %d ms;"
          + " readable (committed) p50 %.0f ms, p99 %.0f ms", label, paced.sent().requests(),
          paced.eventsPerSecond(), result.p50Ms(), result.p99Ms(), result.maxMs(),
          Stats.percentile(latencies.readable(), 50), result.readableP99Ms());
      return result;
    }
  }

  private Map<String, Long> endOffsets(Set<String> names) {
    Map<String, Long> offsets = admin.endOffsets(names);
    offsets.keySet().retainAll(names);
    return offsets;
  }

  /**
   * The latencies of {@code paced}'s requests from their cost records and, when {@code watch} is not null, from
   * when it saw them (every record must have been seen then).
   */
  private Latencies latencies(RawTraffic.Paced paced, CommittedWatch watch) {
    List<Long> appended = new ArrayList<>();
    List<Long> readable = new ArrayList<>();
    TopicScan.scan(bootstrap, topics + "costs", paced.lastEventAppendMs()::containsKey, r -> {
      String id = new String(r.key(), StandardCharsets.UTF_8);
      long lastEvent = paced.lastEventAppendMs().get(id);
      appended.add(r.timestamp() - lastEvent);
      if (watch != null) {
        Long seen = watch.seenAtMs(id);
        if (seen == null) {
          throw new IllegalStateException("paced: the cost record of " + id + " was never seen by a live consumer");
        }
        readable.add(seen - lastEvent);
      }
    });
    if (appended.size() != paced.sent().requests()) {
      throw new IllegalStateException("paced: " + paced.sent().requests() + " requests sent, " + appended.size()
          + " cost records found");
    }
    appended.sort(null);
    readable.sort(null);
    return new Latencies(appended, readable);
  }
}
