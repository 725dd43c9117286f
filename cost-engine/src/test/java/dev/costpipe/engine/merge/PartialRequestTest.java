package dev.costpipe.engine.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PartialRequestTest {

  private static RawEvent event(String json) {
    return RawEventParser.parse(json);
  }

  private static List<RawEvent> streamedCall(int chunks) {
    List<RawEvent> events = new ArrayList<>();
    events.add(event("{\"request_id\":\"r1\",\"event_type\":\"request\",\"request_body\":{\"model\":\"gpt-4o\",\"stream\":true}}"));
    for (int i = 0; i < chunks; i++) {
      events.add(event("{\"request_id\":\"r1\",\"event_type\":\"chunk\",\"seq\":" + i
          + ",\"chunk\":\"data: {\\\"choices\\\":[{\\\"delta\\\":{\\\"content\\\":\\\"w" + i + "\\\"}}]}\"}"));
    }
    events.add(event("{\"request_id\":\"r1\",\"event_type\":\"response\",\"status\":200}"));
    return events;
  }

  @Test
  void completesOnlyWithRequestResponseAndEveryChunk() {
    List<RawEvent> events = streamedCall(3);
    PartialRequest p = new PartialRequest("r1");
    for (RawEvent e : events.subList(0, events.size() - 1)) {
      p.add(e);
      assertThat(p.isComplete()).isFalse();
    }
    p.add(events.get(events.size() - 1));
    assertThat(p.isComplete()).isTrue();
  }

  @Test
  void missingMiddleChunkKeepsItOpen() {
    List<RawEvent> events = streamedCall(3);
    events.remove(2);
    PartialRequest p = new PartialRequest("r1");
    events.forEach(p::add);
    assertThat(p.isComplete()).isFalse();
  }

  @Test
  void anyOrderAndDuplicatesMergeToTheSameResult() {
    List<RawEvent> events = streamedCall(20);
    MergedRequest expected = merge(events);
    RawEvent response = events.get(events.size() - 1);
    List<RawEvent> beforeResponse = events.subList(0, events.size() - 1);
    Random random = new Random(42);
    for (int round = 0; round < 50; round++) {
      List<RawEvent> shuffled = new ArrayList<>(beforeResponse);
      for (int d = 0; d < 5; d++) {
        shuffled.add(beforeResponse.get(random.nextInt(beforeResponse.size())));
      }
      Collections.shuffle(shuffled, random);
      shuffled.add(response);
      MergedRequest got = merge(shuffled);
      assertThat(got.chunks()).isEqualTo(expected.chunks());
      assertThat(got.complete()).isTrue();
    }
  }

  @Test
  void responseBeforeTheLastChunkCompletesWithTheChunksSeenAsTheContractSays() {
    List<RawEvent> events = streamedCall(3);
    RequestMerger merger = new RequestMerger();
    merger.accept(events.get(0));
    merger.accept(events.get(1));
    merger.accept(events.get(2));
    MergedRequest done = merger.accept(events.get(4)).orElseThrow();
    assertThat(done.chunks()).hasSize(2);
    assertThat(merger.accept(events.get(3))).isEmpty();
    assertThat(merger.duplicates()).isEqualTo(1);
  }

  @Test
  void singleResponseCarryingBothBodiesIsComplete() {
    PartialRequest p = new PartialRequest("r2");
    p.add(event("{\"request_id\":\"r2\",\"event_type\":\"response\",\"request_body\":{\"model\":\"gpt-4o\"},"
        + "\"response_body\":{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}}"));
    assertThat(p.isComplete()).isTrue();
    assertThat(p.toMerged().streamed()).isFalse();
  }

  @Test
  void duplicatesAreReported() {
    PartialRequest p = new PartialRequest("r1");
    RawEvent first = streamedCall(1).get(1);
    assertThat(p.add(first)).isEqualTo(PartialRequest.Added.NEW);
    assertThat(p.add(first)).isEqualTo(PartialRequest.Added.DUPLICATE);
    assertThat(p.chunkCount()).isEqualTo(1);
  }

  private static MergedRequest merge(List<RawEvent> events) {
    RequestMerger merger = new RequestMerger();
    MergedRequest done = null;
    for (RawEvent e : events) {
      var m = merger.accept(e);
      if (m.isPresent()) {
        assertThat(done).as("emitted once").isNull();
        done = m.get();
      }
    }
    return done;
  }
}
