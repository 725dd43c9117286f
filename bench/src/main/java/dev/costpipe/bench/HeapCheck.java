package dev.costpipe.bench;

import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * "State must not grow with history": costpipe prices many requests (produced while it runs) in a JVM capped at
 * the target heap, and every {@code sampleSeconds} a full collection shows the live heap. A heap that tracks the
 * number of requests seen (rather than the number open) would climb from sample to sample, and finally fail with
 * OutOfMemoryError.
 */
final class HeapCheck {
  /** One sample: seconds since start, events committed so far, heap after a full collection, RSS; MB. */
  record Sample(double seconds, long eventsDone, double liveHeapMb, double rssMb) {}

  /** The samples, and live heap growth from the first sample past 10% of the events to the last. */
  record Result(long requests, long events, String maxHeap, double seconds, List<Sample> samples,
      double peakHeapMb, double peakRssMb, double liveGrowthMb) {}

  private HeapCheck() {}

  static Result run(BenchPlan plan, KafkaTestBroker broker, Path workDir, String maxHeap, int sampleSeconds)
      throws Exception {
    String bootstrap = broker.bootstrapServers();
    String raw = "bench.heap.raw";
    String appId = "bench-heap-costpipe";
    try (KafkaAdmin admin = new KafkaAdmin(broker)) {
      admin.createAppendTimeTopics(plan.partitions(), raw);
      Properties s = StreamsSettings.of(bootstrap, appId, workDir.resolve("state"), plan.streamsSettings());
      s.setProperty("costpipe.topic.raw-events", raw);
      for (String t : List.of("pricing", "alert-rules", "costs", "cost-aggregates", "cost-alerts", "dead-letter")) {
        s.setProperty("costpipe.topic." + t, "bench.heap." + t);
      }
      s.setProperty("costpipe.topics.partitions", String.valueOf(plan.partitions()));
      long begin = System.nanoTime();
      List<Sample> samples = new ArrayList<>();
      try (ChildJvm app = ChildJvm.start(appId, workDir, maxHeap, false, CostpipeApplication.class,
          StreamsSettings.write(s, workDir.resolve(appId + ".properties")).toString())) {
        CompletableFuture<RawTraffic.Sent> producing = CompletableFuture.supplyAsync(() -> RawTraffic.backlog(
            bootstrap, raw, plan.heapCheckRequests(), plan.traffic(plan.seed() + 7), Instant.now(), "heap check",
            null));
        long nextSample = System.nanoTime() + sampleSeconds * 1_000_000_000L;
        while (true) {
          app.checkAlive();
          long[] doneAndEnd = admin.committedAndEnd(appId, raw);
          boolean finished = producing.isDone() && doneAndEnd[0] >= producing.join().events()
              && doneAndEnd[0] >= doneAndEnd[1];
          if (finished || System.nanoTime() >= nextSample) {
            nextSample = System.nanoTime() + sampleSeconds * 1_000_000_000L;
            app.fullGc();
            Sample sample = new Sample((System.nanoTime() - begin) / 1e9, doneAndEnd[0],
                GcLog.lastLiveMb(GcLog.read(app.gcLog())), app.rssMb());
            samples.add(sample);
            Progress.say("heap check: %,d events done, live heap %.0f MB, RSS %.0f MB", sample.eventsDone(),
                sample.liveHeapMb(), sample.rssMb());
          }
          if (finished) {
            break;
          }
          Thread.sleep(500);
        }
        RawTraffic.Sent sent = producing.join();
        double peakRss = app.peakRssMb();
        double peakHeap = GcLog.peakUsedMb(GcLog.read(app.gcLog()));
        Sample first = samples.stream().filter(x -> x.eventsDone() >= sent.events() / 10).findFirst()
            .orElse(samples.get(0));
        Sample last = samples.get(samples.size() - 1);
        admin.deleteTopicsStartingWith(List.of("bench.heap.", appId));
        return new Result(sent.requests(), sent.events(), maxHeap, (System.nanoTime() - begin) / 1e9, samples,
            peakHeap, peakRss, last.liveHeapMb() - first.liveHeapMb());
      }
    }
  }
}
