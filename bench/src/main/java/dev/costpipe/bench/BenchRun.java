package dev.costpipe.bench;

import dev.costpipe.testsupport.ServerProcesses;
import dev.costpipe.testsupport.KafkaTestBroker;
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
      Writes topologyWrites, PacedPhase.Costs pacedCosts) {}

  /**
   * What an application wrote and read per raw event (end offsets, transaction markers included; read = the raw
   * events plus its repartition topics), per topic written, and its CPU and the broker's per raw event once the
   * warm-up's events are committed (as the rates, which time the measured events only), plus its CPU per raw event
   * from its first commit on (JIT compilation of the warm-up included: the figure earlier benches quoted).
   */
  record Writes(double recordsWrittenPerEvent, double recordsReadPerEvent, double cpuUsPerEvent,
      double cpuUsPerEventWithoutJit, double brokerCpuUsPerEvent, double cpuUsPerEventFromFirstCommit,
      Map<String, Double> writtenPerEventByTopic) {
    static Writes of(Map<String, Long> endOffsets, long allEvents, CpuPerEvent cpu) {
      Map<String, Double> byTopic = new TreeMap<>();
      endOffsets.forEach((topic, n) -> byTopic.put(topic, Math.round(n * 1000.0 / allEvents) / 1000.0));
      long written = endOffsets.values().stream().mapToLong(Long::longValue).sum();
      long repartitioned = endOffsets.entrySet().stream().filter(e -> e.getKey().endsWith("-repartition"))
          .mapToLong(Map.Entry::getValue).sum();
      return new Writes((double) written / allEvents, (double) (allEvents + repartitioned) / allEvents,
          cpu.appMicros(), cpu.appMicrosWithoutJit(), cpu.brokerMicros(), cpu.appMicrosFromFirstCommit(), byTopic);
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
      PacedPhase pacedPhase = new PacedPhase(plan, bootstrap, admin, app, broker.pid(), label, topics, raw, httpPort,
          (what, events) -> awaitConsumed(what, admin, app, appId, raw, events, 0));
      long eventsBeforePaced = allEvents;
      if (plan.pacedWarmupSeconds() > 0) {
        eventsBeforePaced += pacedPhase.warmup(pacedRate, checksPerSecond, plan.seed() + 2_000 + index, allEvents);
      }
      PacedPhase.Result paced = pacedPhase.measure(pacedRate, checksPerSecond, plan.seed() + 1_000 + index,
          eventsBeforePaced, endOffsets.keySet());

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
          eventsPerSecond, requestsPerSecond, secondHalf, paced.paced().eventsPerSecond(),
          paced.paced().sent().requests(), paced.p50Ms(), paced.p99Ms(), paced.maxMs(), paced.readableP99Ms(),
          peakHeap, liveHeap, rss, sink, paced.budgetCheck(), baselineWrites, writes, paced.costs());
    }
  }

  private static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The CPU seconds of the application and of the broker when {@code events} events were committed. */
  record CpuMark(long events, double appSeconds, double appJitSeconds, double brokerSeconds) {
    static CpuMark now(long events, ChildJvm app, long brokerPid) {
      return new CpuMark(events, CpuTime.seconds(app.pid()), CpuTime.jitSeconds(app.pid()),
          CpuTime.seconds(brokerPid));
    }
  }

  /** The marks of a consumption: at its first commit, and once the warm-up's events were committed. */
  record CpuMarks(CpuMark firstCommit, CpuMark afterWarmup) {
    CpuPerEvent perEvent(ChildJvm app, long brokerPid, long allEvents) {
      CpuMark end = CpuMark.now(allEvents, app, brokerPid);
      long n = allEvents - afterWarmup.events();
      double appSeconds = end.appSeconds() - afterWarmup.appSeconds();
      return new CpuPerEvent(appSeconds * 1e6 / n,
          (appSeconds - (end.appJitSeconds() - afterWarmup.appJitSeconds())) * 1e6 / n,
          (end.brokerSeconds() - afterWarmup.brokerSeconds()) * 1e6 / n, n,
          (end.appSeconds() - firstCommit.appSeconds()) * 1e6 / (allEvents - firstCommit.events()));
    }
  }

  /**
   * CPU µs per raw event of the application and of the broker over the {@code events} events committed after the
   * warm-up's, and of the application from its first commit on.
   */
  record CpuPerEvent(double appMicros, double appMicrosWithoutJit, double brokerMicros, long events,
      double appMicrosFromFirstCommit) {
    @Override
    public String toString() {
      return String.format("CPU per raw event after the warm-up: application %.1f µs (%.1f without its JIT compiler"
          + " threads), broker %.1f µs (%,d events); application from its first commit %.1f µs", appMicros,
          appMicrosWithoutJit, brokerMicros, events, appMicrosFromFirstCommit);
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
