package dev.costpipe.bench;

import dev.costpipe.testsupport.ServerProcesses;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * One run of the benchmark, on its own topics: W warm-up requests' and N measured requests' raw events produced
 * up front, then (1) the baseline copies them, (2) costpipe prices them, both timed from the append of their first
 * output record for a measured request to their last, their CPU counted once the warm-up's events are committed (so
 * that JIT warm-up is behind both);
 * (3) costpipe, still running and warm, gets events paced at half the rate it just reached, first for a warm-up
 * not measured, then for the measured phase, where each request's latency is its cost record's append time minus
 * its last event's, while a gateway's budget checks are timed ({@link BudgetCheckLoad}); (4) the ClickHouse sink
 * against clickhouse-client on the cost records.
 */
final class BenchRun {
  /** Figures of one run. Rates per second, latencies in ms, memory in MB. */
  record Result(long events, long requests, long rawBytes, double baselineEventsPerSecond,
      double baselineSecondHalfEventsPerSecond, double topologyEventsPerSecond, double topologyRequestsPerSecond,
      double topologySecondHalfEventsPerSecond, double pacedEventsPerSecond,
      long pacedRequests, double p50LatencyMs, double p99LatencyMs, double maxLatencyMs, double p99ReadableLatencyMs,
      double peakHeapMb,
      double liveHeapMb, double peakRssMb, SinkBench.Result sink, BudgetCheckLoad.Result budgetCheck, Writes baselineWrites,
      Writes topologyWrites, PacedCosts pacedCosts) {}

  /**
   * What the paced phase (its sending and the consumption of its events) cost per raw event: CPU µs of costpipe,
   * the broker and this harness (its producer, budget-check caller and committed-records consumer), the cores the
   * three used together, and the records costpipe wrote (all its topics, markers included). Tells whether the
   * machine, not costpipe alone, sets the paced latency, and how costpipe's costs move at a lower rate.
   */
  record PacedCosts(double costpipeMicros, double brokerMicros, double harnessMicros, double coresUsed,
      double recordsWrittenPerEvent) {
    static PacedCosts between(CpuMark before, CpuMark after, double harness, double wall, long events,
        long written) {
      double app = after.appSeconds() - before.appSeconds();
      double broker = after.brokerSeconds() - before.brokerSeconds();
      return new PacedCosts(app * 1e6 / events, broker * 1e6 / events, harness * 1e6 / events,
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

  /**
   * What an application wrote and read per raw event (end offsets, transaction markers included; read = the raw
   * events plus its repartition topics), per topic written, and its CPU and the broker's per raw event once the
   * warm-up's events are committed (as the rates, which time the measured events only), plus its CPU per raw event
   * from its first commit on (JIT compilation of the warm-up included: the figure earlier benches quoted).
   */
  record Writes(double recordsWrittenPerEvent, double recordsReadPerEvent, double cpuUsPerEvent,
      double brokerCpuUsPerEvent, double cpuUsPerEventFromFirstCommit, Map<String, Double> writtenPerEventByTopic) {
    static Writes of(Map<String, Long> endOffsets, long allEvents, CpuPerEvent cpu) {
      Map<String, Double> byTopic = new TreeMap<>();
      endOffsets.forEach((topic, n) -> byTopic.put(topic, Math.round(n * 1000.0 / allEvents) / 1000.0));
      long written = endOffsets.values().stream().mapToLong(Long::longValue).sum();
      long repartitioned = endOffsets.entrySet().stream().filter(e -> e.getKey().endsWith("-repartition"))
          .mapToLong(Map.Entry::getValue).sum();
      return new Writes((double) written / allEvents, (double) (allEvents + repartitioned) / allEvents,
          cpu.appMicros(), cpu.brokerMicros(), cpu.appMicrosFromFirstCommit(), byTopic);
    }
  }

  private final BenchPlan plan;
  private final KafkaTestBroker broker;
  private final String bootstrap;
  private final SinkBench sinkBench;
  private final Path workDir;

  BenchRun(BenchPlan plan, KafkaTestBroker broker, SinkBench sinkBench, Path workDir) {
    this.plan = plan;
    this.broker = broker;
    this.bootstrap = broker.bootstrapServers();
    this.sinkBench = sinkBench;
    this.workDir = workDir;
  }

  Result run(int index) throws Exception {
    String label = "run " + index + "/" + plan.runs();
    String topics = "bench.r" + index + ".";
    String apps = "bench-r" + index + "-";
    String raw = topics + "raw";
    try (KafkaAdmin admin = new KafkaAdmin(broker)) {
      admin.createAppendTimeTopics(plan.partitions(), raw, topics + "copy");
      Progress.say("%s: producing %,d warm-up requests, then %,d measured requests into %s", label,
          plan.warmupRequests(), plan.requests(), raw);
      Instant start = Instant.now().minusMillis(plan.warmupRequests() + plan.requests());
      RawTraffic.Sent warmup = RawTraffic.backlog(bootstrap, raw, plan.warmupRequests(),
          plan.traffic(plan.seed() + 500), start, label + " warm-up", null);
      Set<String> measured = new HashSet<>();
      RawTraffic.Sent sent = RawTraffic.backlog(bootstrap, raw, plan.requests(), plan.traffic(plan.seed()),
          start.plusMillis(plan.warmupRequests()), label, measured);
      Progress.say("%s: %,d measured events (%,d requests, %.0f B/event) after %,d warm-up events in %s", label,
          sent.events(), sent.requests(), (double) sent.bytes() / sent.events(), warmup.events(), raw);

      long allEvents = warmup.events() + sent.events();
      Writes[] baselineWrites = new Writes[1];
      TopicScan.Summary baseline = baseline(label, admin, raw, topics + "copy", apps + "copy", allEvents, measured,
          sent.events(), baselineWrites);
      Result result = topology(index, label, admin, raw, topics, apps + "costpipe", allEvents, measured, sent,
          baseline, baselineWrites[0]);
      admin.deleteTopicsStartingWith(List.of(topics, apps));
      ServerProcesses.deleteRecursively(workDir.resolve("state"));
      return result;
    }
  }

  /** The baseline's copies of the measured events (their first, median and last append time). */
  private TopicScan.Summary baseline(String label, KafkaAdmin admin, String raw, String copy, String appId,
      long allEvents, Set<String> measured, long events, Writes[] writes) throws InterruptedException {
    Properties s = StreamsSettings.of(bootstrap, appId, workDir.resolve("state"), plan.streamsSettings());
    s.setProperty(CopyApplication.FROM, raw);
    s.setProperty(CopyApplication.TO, copy);
    Progress.say("%s: baseline (stream(raw).to(copy), exactly_once_v2) starting", label);
    try (ChildJvm app = ChildJvm.start(appId, workDir, plan.childHeap(), false, CopyApplication.class,
        StreamsSettings.write(s, workDir.resolve(appId + ".properties")).toString())) {
      CpuPerEvent cpu = awaitConsumed(label + " baseline", admin, app, appId, raw, allEvents, allEvents - events)
          .perEvent(app, broker.pid(), allEvents);
      Progress.say("%s: baseline %s", label, cpu);
      writes[0] = Writes.of(admin.endOffsets(List.of(copy, appId)), allEvents, cpu);
    }
    TopicScan.Summary out = TopicScan.scan(bootstrap, copy, measured::contains, r -> {});
    if (out.records() != events) {
      throw new IllegalStateException("the baseline copied " + out.records() + " events, expected " + events);
    }
    Progress.say("%s: baseline copied %,d events in %.2f s: %,.0f events/s (second half %,.0f)", label,
        out.records(), out.seconds(), out.records() / out.seconds(), out.secondHalfPerSecond());
    return out;
  }

  private Result topology(int index, String label, KafkaAdmin admin, String raw, String topics, String appId,
      long allEvents, Set<String> measured, RawTraffic.Sent sent, TopicScan.Summary baselineCopy,
      Writes baselineWrites) throws Exception {
    double baseline = baselineCopy.records() / baselineCopy.seconds();
    Properties s = StreamsSettings.of(bootstrap, appId, workDir.resolve("state"), plan.streamsSettings());
    s.setProperty("costpipe.topic.raw-events", raw);
    s.setProperty("costpipe.topic.pricing", topics + "pricing");
    s.setProperty("costpipe.topic.alert-rules", topics + "alert-rules");
    s.setProperty("costpipe.topic.costs", topics + "costs");
    s.setProperty("costpipe.topic.cost-aggregates", topics + "cost-aggregates");
    s.setProperty("costpipe.topic.cost-alerts", topics + "cost-alerts");
    s.setProperty("costpipe.topic.dead-letter", topics + "dlq");
    s.setProperty("costpipe.topics.partitions", String.valueOf(plan.partitions()));
    int httpPort = freePort();
    Progress.say("%s: costpipe starting (child JVM, -Xmx%s, HTTP on %d)", label, plan.childHeap(), httpPort);
    try (ChildJvm app = ChildJvm.start(appId, workDir, plan.childHeap(), plan.flightRecording(),
        ServedCostpipe.class, StreamsSettings.write(s, workDir.resolve(appId + ".properties")).toString(),
        String.valueOf(httpPort))) {
      CpuPerEvent cpu = awaitConsumed(label + " costpipe", admin, app, appId, raw, allEvents,
          allEvents - sent.events())
          .perEvent(app, broker.pid(), allEvents);
      Progress.say("%s: costpipe %s", label, cpu);
      List<byte[]> costRecords = new ArrayList<>();
      TopicScan.Summary out = TopicScan.scan(bootstrap, topics + "costs", measured::contains,
          r -> costRecords.add(r.value()));
      if (out.records() != sent.requests()) {
        throw new IllegalStateException("costpipe wrote " + out.records() + " cost records for " + sent.requests()
            + " requests");
      }
      double eventsPerSecond = sent.events() / out.seconds();
      double requestsPerSecond = sent.requests() / out.seconds();
      double secondHalf = out.secondHalfPerSecond() * sent.events() / sent.requests();
      Progress.say("%s: costpipe priced %,d requests (%,d events) in %.2f s: %,.0f events/s, %,.0f requests/s"
          + " (%.2f × baseline); second half %,.0f events/s", label, sent.requests(), sent.events(), out.seconds(),
          eventsPerSecond, requestsPerSecond, eventsPerSecond / baseline, secondHalf);

      Map<String, Long> endOffsets = admin.endOffsets(List.of(topics, appId));
      // the input, the copy's output and the alert rules the budget checks put are not costpipe's writes; nor is
      // the catalogue published once at start
      endOffsets.keySet().removeAll(List.of(raw, topics + "copy", topics + "pricing", topics + "alert-rules"));
      endOffsets.forEach((topic, written) -> Progress.say(
          "%s:   written to %s: %,d records (%.2f per raw event), markers included", label, topic, written,
          (double) written / allEvents));
      Writes writes = Writes.of(endOffsets, allEvents, cpu);
      Progress.say("%s: costpipe wrote %.2f and read %.2f records per raw event (the copy wrote %.2f)", label,
          writes.recordsWrittenPerEvent(), writes.recordsReadPerEvent(), baselineWrites.recordsWrittenPerEvent());

      double pacedRate = eventsPerSecond / 2;
      double checksPerSecond = pacedRate * sent.requests() / sent.events();
      long eventsBeforePaced = allEvents;
      if (plan.pacedWarmupSeconds() > 0) {
        eventsBeforePaced += pacedWarmup(label, admin, app, appId, raw, topics, httpPort, pacedRate, checksPerSecond,
            plan.seed() + 2_000 + index, allEvents);
      }
      Map<String, Long> offsetsBeforePaced = admin.endOffsets(List.of(topics, appId));
      Progress.say("%s: paced traffic at %,.0f events/s for %d s", label, pacedRate, plan.pacedSeconds());
      Latencies latencies;
      RawTraffic.Plan planned = RawTraffic.plan(plan.traffic(plan.seed() + 1_000 + index), pacedRate,
          Duration.ofSeconds(plan.pacedSeconds()));
      RawTraffic.Paced paced;
      BudgetCheckLoad.Result budgetCheck;
      PacedCosts pacedCosts;
      long pacedStart = System.nanoTime();
      CpuMark beforePaced = CpuMark.now(eventsBeforePaced, app, broker.pid());
      double benchBeforePaced = CpuTime.seconds(ProcessHandle.current().pid());
      try (CommittedWatch watch = new CommittedWatch(bootstrap, topics + "costs");
          BudgetCheckLoad checks = BudgetCheckLoad.start(bootstrap, topics + "alert-rules", httpPort,
              checksPerSecond)) {
        paced = RawTraffic.paced(bootstrap, raw, planned);
        budgetCheck = checks.stop();
        Progress.say("%s: budget checks during the paced traffic: %,d at %,.0f/s, p50 %.2f ms, p99 %.2f ms, max %.0f"
            + " ms, %d not answered 200; control GET /health/live p50 %.2f ms, p99 %.2f ms", label,
            budgetCheck.checks(), budgetCheck.perSecond(), budgetCheck.p50Ms(), budgetCheck.p99Ms(),
            budgetCheck.maxMs(), budgetCheck.failed(), budgetCheck.controlP50Ms(), budgetCheck.controlP99Ms());
        long eventsAfterPaced = eventsBeforePaced + paced.sent().events();
        awaitConsumed(label + " costpipe (paced)", admin, app, appId, raw, eventsAfterPaced, 0);
        CpuMark afterPaced = CpuMark.now(eventsAfterPaced, app, broker.pid());
        double harnessCpu = CpuTime.seconds(ProcessHandle.current().pid()) - benchBeforePaced;
        double pacedWall = (System.nanoTime() - pacedStart) / 1e9;
        long pacedEvents = paced.sent().events();
        long pacedWritten = 0;
        Map<String, Long> afterOffsets = admin.endOffsets(List.of(topics, appId));
        afterOffsets.keySet().retainAll(endOffsets.keySet());
        for (Map.Entry<String, Long> topic : afterOffsets.entrySet()) {
          long written = topic.getValue() - offsetsBeforePaced.getOrDefault(topic.getKey(), 0L);
          pacedWritten += written;
          Progress.say("%s:   paced: written to %s: %,d records (%.2f per raw event), markers included", label,
              topic.getKey(), written, (double) written / pacedEvents);
        }
        pacedCosts = PacedCosts.between(beforePaced, afterPaced, harnessCpu, pacedWall, pacedEvents, pacedWritten);
        Progress.say("%s: paced phase, %s", label, pacedCosts);
        latencies = latencies(topics + "costs", paced, watch);
      }
      List<Long> appended = latencies.appended();
      double p50 = Stats.percentile(appended, 50);
      double p99 = Stats.percentile(appended, 99);
      double visibleP99 = Stats.percentile(latencies.readable(), 99);
      Progress.say("%s: paced %,d requests at %,.0f events/s: latency p50 %.0f ms, p99 %.0f ms, max %d ms;"
          + " readable (committed) p50 %.0f ms, p99 %.0f ms", label, paced.sent().requests(), paced.eventsPerSecond(),
          p50, p99, appended.get(appended.size() - 1), Stats.percentile(latencies.readable(), 50), visibleP99);

      app.fullGc();
      double rss = app.peakRssMb();
      var pauses = GcLog.read(app.gcLog());
      double peakHeap = GcLog.peakUsedMb(pauses);
      double liveHeap = GcLog.lastLiveMb(pauses);
      Progress.say("%s: costpipe heap peak %.0f MB, live after full GC %.0f MB, peak RSS %.0f MB", label, peakHeap,
          liveHeap, rss);
      app.close();

      Progress.say("%s: ClickHouse sink vs clickhouse-client, %,d rows", label, plan.sinkRows());
      SinkBench.Result sink = sinkBench.run(topics.replace('.', '_') + "sink", admin, plan.partitions(), costRecords,
          plan.sinkRows());
      Progress.say("%s: sink %,.0f rows/s, clickhouse-client %,.0f rows/s (%.2f)", label, sink.sinkRowsPerSecond(),
          sink.clientRowsPerSecond(), sink.sinkRowsPerSecond() / sink.clientRowsPerSecond());
      return new Result(sent.events(), sent.requests(), sent.bytes(), baseline, baselineCopy.secondHalfPerSecond(),
          eventsPerSecond, requestsPerSecond, secondHalf, paced.eventsPerSecond(), paced.sent().requests(), p50, p99, appended.get(appended.size() - 1), visibleP99, peakHeap,
          liveHeap, rss, sink, budgetCheck, baselineWrites, writes, pacedCosts);
    }
  }

  /**
   * Paced traffic with budget checks for the plan's warm-up seconds, not measured, so that the paced phase's own
   * paths are compiled before its clock starts (without it the JIT compilers of costpipe, the broker and this
   * harness took a third of the two cores during the measured phase); returns its events once costpipe committed
   * them. Its latency is printed: what the first minute after a start looks like.
   */
  private long pacedWarmup(String label, KafkaAdmin admin, ChildJvm app, String appId, String raw, String topics,
      int httpPort, double rate, double checksPerSecond, long seed, long eventsBefore) throws Exception {
    Progress.say("%s: paced warm-up at %,.0f events/s for %d s, with the budget checks (not measured)", label, rate,
        plan.pacedWarmupSeconds());
    RawTraffic.Plan planned = RawTraffic.plan(plan.traffic(seed), rate, Duration.ofSeconds(plan.pacedWarmupSeconds()));
    RawTraffic.Paced paced;
    try (BudgetCheckLoad checks = BudgetCheckLoad.start(bootstrap, topics + "alert-rules", httpPort,
        checksPerSecond)) {
      paced = RawTraffic.paced(bootstrap, raw, planned);
    }
    awaitConsumed(label + " costpipe (paced warm-up)", admin, app, appId, raw, eventsBefore + paced.sent().events(),
        0);
    List<Long> appended = latencies(topics + "costs", paced, null).appended();
    Progress.say("%s: paced warm-up: %,d requests, latency p50 %.0f ms, p99 %.0f ms", label, paced.sent().requests(),
        Stats.percentile(appended, 50), Stats.percentile(appended, 99));
    return paced.sent().events();
  }

  /** Each paced request's latency, sorted: until its cost record was appended, and until a live reader had it. */
  private record Latencies(List<Long> appended, List<Long> readable) {}

  /**
   * The latencies of {@code paced}'s requests from their cost records on {@code costs} and, when {@code watch} is
   * not null, from when it saw them (every record must have been seen then).
   */
  private Latencies latencies(String costs, RawTraffic.Paced paced, CommittedWatch watch) {
    List<Long> appended = new ArrayList<>();
    List<Long> readable = new ArrayList<>();
    TopicScan.scan(bootstrap, costs, paced.lastEventAppendMs()::containsKey, r -> {
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

  private static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The CPU seconds of the application and of the broker when {@code events} events were committed. */
  record CpuMark(long events, double appSeconds, double brokerSeconds) {
    static CpuMark now(long events, ChildJvm app, long brokerPid) {
      return new CpuMark(events, CpuTime.seconds(app.pid()), CpuTime.seconds(brokerPid));
    }
  }

  /** The marks of a consumption: at its first commit, and once the warm-up's events were committed. */
  record CpuMarks(CpuMark firstCommit, CpuMark afterWarmup) {
    CpuPerEvent perEvent(ChildJvm app, long brokerPid, long allEvents) {
      CpuMark end = CpuMark.now(allEvents, app, brokerPid);
      long n = allEvents - afterWarmup.events();
      return new CpuPerEvent((end.appSeconds() - afterWarmup.appSeconds()) * 1e6 / n,
          (end.brokerSeconds() - afterWarmup.brokerSeconds()) * 1e6 / n, n,
          (end.appSeconds() - firstCommit.appSeconds()) * 1e6 / (allEvents - firstCommit.events()));
    }
  }

  /**
   * CPU µs per raw event of the application and of the broker over the {@code events} events committed after the
   * warm-up's, and of the application from its first commit on.
   */
  record CpuPerEvent(double appMicros, double brokerMicros, long events, double appMicrosFromFirstCommit) {
    @Override
    public String toString() {
      return String.format("CPU per raw event after the warm-up: application %.1f µs, broker %.1f µs (%,d events);"
          + " application from its first commit %.1f µs", appMicros, brokerMicros, events, appMicrosFromFirstCommit);
    }
  }

  /**
   * Waits until the group has committed every record of the topic (and at least {@code expected}), marking the CPU
   * used at its first commit and once {@code warmupEvents} were committed.
   */
  CpuMarks awaitConsumed(String label, KafkaAdmin admin, ChildJvm app, String group, String topic, long expected,
      long warmupEvents) throws InterruptedException {
    CpuMark first = null;
    CpuMark warm = null;
    long begin = System.nanoTime();
    long lastReport = begin;
    long lastProgress = begin;
    long lastDone = -1;
    long startDone = -1;
    long startNanos = 0;
    while (true) {
      app.checkAlive();
      long[] doneAndEnd = admin.committedAndEnd(group, topic);
      long done = doneAndEnd[0];
      long now = System.nanoTime();
      if (done >= expected && done >= doneAndEnd[1]) {
        return new CpuMarks(first, warm == null ? first : warm);
      }
      if (done != lastDone) {
        lastProgress = now;
        lastDone = done;
      }
      if (startDone < 0 && done > 0) {
        startDone = done;
        startNanos = now;
        first = CpuMark.now(done, app, broker.pid());
      }
      if (warm == null && done > 0 && done >= warmupEvents) {
        warm = done == first.events() ? first : CpuMark.now(done, app, broker.pid());
      }
      if (now - lastProgress > Duration.ofMinutes(3).toNanos()) {
        throw new IllegalStateException(label + ": no progress for 3 minutes (" + done + " of " + expected
            + " committed); see " + app.log());
      }
      if (now - lastReport > 5_000_000_000L) {
        lastReport = now;
        double rate = startDone < 0 || now == startNanos ? 0 : (done - startDone) / ((now - startNanos) / 1e9);
        Progress.say("%s: %,d of %,d events committed, %,.0f events/s so far", label, done, expected, rate);
      }
      Thread.sleep(200);
    }
  }
}
