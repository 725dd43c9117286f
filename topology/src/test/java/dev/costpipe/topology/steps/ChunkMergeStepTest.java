package dev.costpipe.topology.steps;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class ChunkMergeStepTest {

  private static Properties timeout(String inactivity) {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.inactivity-timeout", inactivity);
    p.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    return p;
  }

  private static long openRequests(TopologyFixture f) {
    KeyValueStore<String, Object> store = f.driver.getKeyValueStore(ChunkMergeStep.OPEN_STORE);
    long n = 0;
    try (var it = store.all()) {
      for (; it.hasNext(); it.next()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void outOfOrderAndDuplicateChunksMergeIntoOneRecord() {
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      List<String> events = new ArrayList<>(Events.anthropicStream("a1", "2026-06-01T00:00:05Z", 1000, 50));
      String response = events.remove(events.size() - 1);
      events.add(events.get(2));
      events.add(events.get(1));
      Collections.shuffle(events, new Random(7));
      events.forEach(f::send);
      assertThat(f.readCosts()).isEmpty();
      f.send(response);
      f.send(events.get(0));
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.usage().inputTokens()).isEqualTo(1000);
        assertThat(r.usage().outputTokens()).isEqualTo(50);
        assertThat(r.streamed()).isTrue();
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-06-01T00:00:05Z"));
      });
      assertThat(f.counters.get("merge.duplicate_event")).isEqualTo(2);
      assertThat(f.counters.get("merge.duplicate_request")).isEqualTo(1);
      assertThat(openRequests(f)).isZero();
    }
  }

  @Test
  void aRetriedCompletedRequestIsNotCountedAgainWithinTheDedupWindow() {
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      String call = Events.openAi("o1", "2026-06-01T00:00:00Z", "gpt-4o", 100, 10, Map.of());
      f.send(call);
      f.send(call);
      f.send(Events.openAi("o1", "2026-06-01T20:00:00Z", "gpt-4o", 100, 10, Map.of()));
      assertThat(f.readCosts()).hasSize(1);
      assertThat(f.counters.get("merge.duplicate_request")).isEqualTo(2);
    }
  }

  @Test
  void anIdleRequestIsFlushedAsIncompleteByStreamTimeAndCorrectedByItsLateEvents() {
    try (TopologyFixture f = new TopologyFixture(timeout("PT10M")).withBuiltInPrices()) {
      List<String> events = Events.anthropicStream("a2", "2026-06-01T00:00:00Z", 1000, 50);
      f.send(events.get(0));
      f.send(events.get(1));
      f.send(Events.openAi("later", "2026-06-01T00:09:00Z", "gpt-4o", 1, 1, Map.of()));
      assertThat(f.readCosts()).extracting(r -> r.requestId()).containsExactly("later");
      f.send(Events.openAi("much-later", "2026-06-01T00:10:30Z", "gpt-4o", 1, 1, Map.of()));
      var costs = f.readCosts();
      assertThat(costs).extracting(r -> r.requestId()).containsExactlyInAnyOrder("much-later", "a2");
      var a2 = costs.stream().filter(r -> r.requestId().equals("a2")).findFirst().orElseThrow();
      assertThat(a2.errors()).contains(CostEngine.INCOMPLETE);
      assertThat(a2.usage().inputTokens()).as("priced from the usage seen").isEqualTo(1000);
      assertThat(a2.revision()).isZero();
      assertThat(f.counters.get("merge.incomplete_flushed")).isEqualTo(1);
      assertThat(openRequests(f)).as("its events kept for a late one").isEqualTo(1);

      // an event seen already is still a duplicate: no revision
      f.send(events.get(1));
      assertThat(f.readCosts()).isEmpty();
      assertThat(f.counters.get("merge.duplicate_event")).isEqualTo(1);

      // the rest of the stream arriving late corrects it: revision 1, complete, at the first revision's time
      f.send(events.get(2));
      var revision1 = f.readCosts();
      assertThat(revision1).singleElement().satisfies(r -> {
        assertThat(r.revision()).isEqualTo(1);
        assertThat(r.errors()).contains(CostEngine.INCOMPLETE);
        assertThat(r.timestamp()).isEqualTo(a2.timestamp());
      });
      events.subList(3, events.size()).forEach(f::send); // each late event a revision, the response the last
      var later = f.readCosts();
      assertThat(later).extracting(r -> r.revision()).containsExactly(2, 3);
      assertThat(later.get(1)).satisfies(r -> {
        assertThat(r.errors()).doesNotContain(CostEngine.INCOMPLETE);
        assertThat(r.usage().inputTokens()).isEqualTo(1000);
        assertThat(r.usage().outputTokens()).isEqualTo(50);
        assertThat(r.costNanoUsd()).isGreaterThan(a2.costNanoUsd());
        assertThat(r.timestamp()).isEqualTo(a2.timestamp());
      });
      assertThat(f.counters.get("merge.late_event_revised")).isEqualTo(3);
      assertThat(openRequests(f)).isZero();

      // a complete emission is final: anything later is a duplicate request
      f.send("{\"request_id\":\"a2\",\"event_type\":\"chunk\",\"seq\":9,\"timestamp\":\"2026-06-01T00:00:00Z\","
          + "\"chunk\":\"event: ping\\ndata: {}\\n\\n\"}");
      assertThat(f.readCosts()).isEmpty();
      assertThat(f.counters.get("merge.duplicate_request")).isEqualTo(1);
    }
  }

  @Test
  void anIncompleteRequestsEventsAreKeptForTheDedupWindowOnly() {
    Properties p = timeout("PT10M");
    p.setProperty("costpipe.merge.dedup-window", "PT1H");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      List<String> events = Events.anthropicStream("a4", "2026-06-01T00:00:00Z", 1000, 50);
      f.send(events.get(0));
      f.send(Events.openAi("later", "2026-06-01T00:11:00Z", "gpt-4o", 1, 1, Map.of()));
      assertThat(f.readCosts()).extracting(r -> r.requestId()).containsExactlyInAnyOrder("later", "a4");
      assertThat(openRequests(f)).isEqualTo(1);
      f.send(Events.openAi("an-hour-later", "2026-06-01T01:12:00Z", "gpt-4o", 1, 1, Map.of()));
      f.readCosts();
      assertThat(openRequests(f)).isZero();
    }
  }

  @Test
  void anIdleRequestIsFlushedByWallClockWhenNoEventsArrive() {
    try (TopologyFixture f = new TopologyFixture(timeout("PT2M")).withBuiltInPrices()) {
      f.send(Events.anthropicStream("a3", "2026-06-01T00:00:00Z", 10, 5).get(0));
      f.driver.advanceWallClockTime(Duration.ofMinutes(1));
      assertThat(f.readCosts()).isEmpty();
      f.driver.advanceWallClockTime(Duration.ofMinutes(2));
      assertThat(f.readCosts()).singleElement()
          .satisfies(r -> assertThat(r.errors()).contains(CostEngine.INCOMPLETE));
    }
  }

  @Test
  void noWallClockFlushWhileTheTaskIsStillFedRecords() {
    try (TopologyFixture f = new TopologyFixture(timeout("PT2M")).withBuiltInPrices()) {
      f.send(Events.anthropicStream("a5", "2026-06-01T00:00:00Z", 10, 5).get(0));
      // a backlog being read: a record every half second, for longer than the timeout, none advancing stream time
      for (int i = 0; i < 300; i++) {
        f.driver.advanceWallClockTime(Duration.ofMillis(500));
        f.send(Events.openAi("backlog-" + i, "2026-06-01T00:00:00Z", "gpt-4o", 1, 1, Map.of()));
      }
      assertThat(f.readCosts()).extracting(r -> r.requestId()).doesNotContain("a5");
      // a pause shorter than the timeout (a slow poll, a commit, a starved machine) is not the input running dry
      f.driver.advanceWallClockTime(Duration.ofSeconds(90));
      assertThat(f.readCosts()).isEmpty();
      f.driver.advanceWallClockTime(Duration.ofSeconds(31));
      assertThat(f.readCosts()).extracting(r -> r.requestId()).containsExactly("a5");
    }
  }

  @Test
  void aMonthsOldRequestEmittedIncompleteKeepsItsEventsBesideCurrentTraffic() {
    try (TopologyFixture f = new TopologyFixture(timeout("PT10M")).withBuiltInPrices()) {
      // a backfill of June's traffic, read in December: the records' (broker) times are December's
      Instant now = Instant.parse("2026-12-06T12:00:00Z");
      List<String> events = Events.anthropicStream("old", "2026-06-01T00:00:00Z", 1000, 50);
      // a current request emitted incomplete too: the revisions step keeps both, whatever their own times
      sendAt(f, Events.anthropicStream("now", "2026-12-06T12:00:00Z", 10, 5).get(0), now);
      sendAt(f, events.get(0), now);
      sendAt(f, Events.openAi("current", "2026-12-06T12:11:00Z", "gpt-4o", 1, 1, Map.of()), now.plusSeconds(660));
      assertThat(f.readCosts()).extracting(r -> r.revision()).containsExactly(0, 0, 0);
      // stream time moves on by more than a punctuation, by less than the dedup window since the request's event
      sendAt(f, Events.openAi("current-2", "2026-12-06T12:12:00Z", "gpt-4o", 1, 1, Map.of()), now.plusSeconds(720));
      f.readCosts();
      assertThat(openRequests(f)).as("kept for their late events").isEqualTo(2);
      events.subList(1, events.size()).forEach(e -> sendAt(f, e, now.plusSeconds(780)));
      assertThat(f.readCosts()).extracting(r -> r.revision()).last().isEqualTo(events.size() - 1);
      assertThat(f.counters.get("revisions.previous_missing")).isZero();
    }
  }

  private static void sendAt(TopologyFixture f, String json, Instant recordTime) {
    f.raw.pipeInput(new TestRecord<>(TopologyFixture.read(json).path("request_id").asText(), json, recordTime));
  }

  @Test
  void noWallClockFlushWithinTheTimeoutAfterTheTaskStartsWhateverTheStoredWallTime() {
    try (TopologyFixture f = new TopologyFixture(timeout("PT2M")).withBuiltInPrices()) {
      // state as a stop of a day left it: last seen by wall clock a day before this task started
      byte[] event = Events.anthropicStream("a6", "2026-06-01T00:00:00Z", 10, 5).get(0).getBytes(UTF_8);
      long dayBefore = Instant.parse("2026-05-31T00:00:00Z").toEpochMilli();
      KeyValueStore<String, OpenRequest> open = f.driver.getKeyValueStore(ChunkMergeStep.OPEN_STORE);
      open.put("a6", new OpenRequest("a6", Instant.parse("2026-06-01T00:00:00Z").toEpochMilli(), dayBefore,
          List.of(event)));
      f.driver.advanceWallClockTime(Duration.ofSeconds(90));
      assertThat(f.readCosts()).as("its late events may still be in the backlog").isEmpty();
      f.driver.advanceWallClockTime(Duration.ofSeconds(31));
      assertThat(f.readCosts()).singleElement()
          .satisfies(r -> assertThat(r.errors()).contains(CostEngine.INCOMPLETE));
    }
  }

  @Test
  void aRequestWithMoreEventsThanTheBoundIsEmittedAsIncomplete() {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.max-events-per-request", "5");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      f.send(Events.anthropicStream("big", "2026-06-01T00:00:00Z", 10, 5).get(0));
      for (int seq = 1; seq < 10; seq++) {
        f.send("{\"request_id\":\"big\",\"event_type\":\"chunk\",\"seq\":" + seq
            + ",\"chunk\":{\"type\":\"ping\"}}");
      }
      assertThat(f.readCosts()).singleElement()
          .satisfies(r -> assertThat(r.errors()).contains(CostEngine.INCOMPLETE));
      assertThat(f.counters.get("merge.too_many_events")).isEqualTo(1);
      assertThat(openRequests(f)).isZero();
    }
  }
}
