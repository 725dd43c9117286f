package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.assertExactTotals;
import static dev.costpipe.topology.it.PipelineHarness.latestRevisions;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static dev.costpipe.topology.it.PipelineHarness.waitForCosts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.TopologyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The application stopped for longer than the inactivity timeout in the middle of requests, on a real broker
 * (timeout 10 s instead of 10 minutes): requests flushed incomplete before the stop are corrected by revisions
 * when their late events come, requests open at the stop are not flushed before their backlog is read, and the
 * aggregates equal the sum of the latest revisions.
 */
class LateEventsIntegrationTest {
  private static final long TIMEOUT_MS = 10_000;

  @Test
  void stoppedLongerThanTheInactivityTimeoutMidStreamEveryRequestIsExactAfterTheRestart() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    Properties settings = settings(broker.bootstrapServers(), "it-late-events");
    settings.setProperty("costpipe.merge.inactivity-timeout", TIMEOUT_MS + "ms");
    settings.setProperty("costpipe.merge.punctuate-interval", "1s");
    MixedTraffic traffic = new MixedTraffic(400, 12);
    int half = traffic.records.size() / 2;
    List<Map.Entry<String, String>> rest = new ArrayList<>(traffic.records.subList(half, traffic.records.size()));
    // two sets of streamed requests of the second half begin before the stop: their first event only
    Map<String, Map.Entry<String, String>> firstEvents = new LinkedHashMap<>();
    Map<String, Integer> eventCount = new LinkedHashMap<>();
    for (var r : rest) {
      String id = requestId(r.getValue());
      if (id != null) {
        eventCount.merge(id, 1, Integer::sum);
      }
    }
    // streamed calls (a retried OpenAI call has two events, the first complete)
    List<String> multiEvent = eventCount.entrySet().stream().filter(e -> e.getValue() >= 3).map(Map.Entry::getKey)
        .toList();
    List<String> flushedBeforeTheStop = multiEvent.stream().limit(5).toList();
    // the last streamed calls keyed by their id, within a few seconds of each other: stream time cannot get
    // past them by the timeout before their events are read, so only a wall-clock flush could emit them early
    List<String> keyedById = multiEvent.stream().filter(id -> rest.stream()
        .allMatch(r -> !id.equals(requestId(r.getValue())) || id.equals(r.getKey()))).toList();
    String last = keyedById.get(keyedById.size() - 1);
    List<String> openAtTheStop = keyedById.stream().skip(Math.max(0, keyedById.size() - 5))
        .filter(id -> secondsBetween(id, last) < 8).toList();
    for (var it = rest.iterator(); it.hasNext(); ) {
      var r = it.next();
      String id = requestId(r.getValue());
      if (id != null && (flushedBeforeTheStop.contains(id) || openAtTheStop.contains(id))
          && !firstEvents.containsKey(id)) {
        firstEvents.put(id, r);
        it.remove();
      }
    }

    Path log = Files.createTempFile("costpipe-it-late-events", ".log");
    Process app = startChild(settings, "512m", log);
    try {
      putRule(settings, traffic);
      produce(settings, new ArrayList<>(traffic.records.subList(0, half)));
      produce(settings, flushedBeforeTheStop.stream().map(firstEvents::get).toList());
      waitForCosts(settings, 20);
      // idle for longer than the timeout: those requests are flushed incomplete by wall clock
      Map<String, CostRecord> flushed = awaitCosts(settings, flushedBeforeTheStop);
      assertThat(flushed.values()).as("log " + log)
          .allSatisfy(c -> assertThat(c.errors()).contains(CostEngine.INCOMPLETE));

      long openedAt = System.currentTimeMillis();
      produce(settings, openAtTheStop.stream().map(firstEvents::get).toList());
      Thread.sleep(3000);
      app.destroy();
      assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
      // down for longer than the timeout, while the rest of the traffic comes; stamped as sent within seconds of
      // the stop (as a producer's own clock would have them, whatever the stop took on a loaded machine), so
      // that by the records' own clock the open requests were not idle: only a wall clock could flush them
      produce(settings, rest, openedAt + 4000);
      Thread.sleep(TIMEOUT_MS + 5000);

      // the backlog read a few records per poll, so that reading it outlasts the punctuation interval
      settings.setProperty("consumer.max.poll.records", "5");
      Path restartLog = Files.createTempFile("costpipe-it-late-events-restart", ".log");
      System.out.println("late-events: flushed before the stop " + flushedBeforeTheStop + ", open at the stop "
          + openAtTheStop + "; logs " + log + " " + restartLog);
      app = startChild(settings, "512m", restartLog);
      assertExactTotals(settings, traffic);
      Map<String, CostRecord> latest = latestRevisions(TopicReader.readUntil(broker.bootstrapServers(),
          settings.getProperty("costpipe.topic.costs"), got -> false, java.time.Duration.ofSeconds(3)));
      assertThat(flushedBeforeTheStop).as("corrected by revisions; log " + log)
          .allSatisfy(id -> assertThat(latest.get(id).revision()).isPositive());
      // flushed by the wall clock of before the stop, as they were, their late events were dropped; now they
      // are not flushed before their backlog is read
      assertThat(openAtTheStop).as("not flushed early after the restart; log " + log).isNotEmpty()
          .allSatisfy(id -> assertThat(latest.get(id).revision()).isZero());
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** Seconds between two requests of the traffic (its ids end with their index, one second apart). */
  private static long secondsBetween(String a, String b) {
    return Math.abs(Long.parseLong(b.substring(b.lastIndexOf('-') + 1))
        - Long.parseLong(a.substring(a.lastIndexOf('-') + 1)));
  }

  private static String requestId(String json) {
    try {
      return TopologyFixture.read(json).path("request_id").asText(null);
    } catch (RuntimeException e) {
      return null; // a bad line of the traffic
    }
  }

  /** Waits for a cost record of each request. */
  private static Map<String, CostRecord> awaitCosts(Properties settings, List<String> ids) {
    return latestRevisions(TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
        settings.getProperty("costpipe.topic.costs"),
        got -> latestRevisions(got).keySet().containsAll(ids), PipelineHarness.WAIT)).entrySet().stream()
        .filter(e -> ids.contains(e.getKey()))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
