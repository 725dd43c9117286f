package dev.costpipe.engine.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A request given both ways: the raw events win whenever they complete; the usage event is counted, dropped. */
class UsageEventMergeTest {
  private static final RawEvent USAGE = RawEventParser.parse("{\"event_type\":\"usage\",\"request_id\":\"r1\","
      + "\"provider\":\"openai\",\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":10,\"output_tokens\":2}}");
  private static final RawEvent REQUEST = RawEventParser.parse("{\"request_id\":\"r1\",\"event_type\":\"request\","
      + "\"provider\":\"openai\",\"request_body\":{\"model\":\"gpt-4o\"}}");
  private static final RawEvent RESPONSE = RawEventParser.parse("{\"request_id\":\"r1\",\"event_type\":\"response\","
      + "\"status\":200,\"response_body\":{\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3}}}");

  @Test
  void aUsageEventAloneIsAWholeRequest() {
    PartialRequest p = new PartialRequest("r1");
    assertThat(p.add(USAGE)).isEqualTo(PartialRequest.Added.NEW);
    assertThat(p.isComplete()).isTrue();
    MergedRequest m = p.toMerged();
    assertThat(m.usageEvent()).isEqualTo(USAGE);
    assertThat(m.complete()).isTrue();
    assertThat(m.model()).isEqualTo("gpt-4o");
    assertThat(m.status()).isEqualTo(200);
    assertThat(p.add(USAGE)).isEqualTo(PartialRequest.Added.DUPLICATE);
  }

  @Test
  void withOpenRawEventsItWaitsAndTheCompleteRawEventsWin() {
    PartialRequest p = new PartialRequest("r1");
    p.add(REQUEST);
    p.add(USAGE);
    assertThat(p.isComplete()).isFalse();
    assertThat(p.toMerged().usageEvent()).as("what an idle flush emits").isEqualTo(USAGE);
    p.add(RESPONSE);
    assertThat(p.isComplete()).isTrue();
    assertThat(p.toMerged().usageEvent()).isNull();
    assertThat(p.toMerged().response()).isEqualTo(RESPONSE);
    assertThat(p.events()).containsExactly(REQUEST, RESPONSE, USAGE);
  }

  @Test
  void offlineMergerCountsTheSupersededUsageEventInEveryOrder() {
    for (List<RawEvent> order : List.of(List.of(REQUEST, RESPONSE, USAGE), List.of(REQUEST, USAGE, RESPONSE),
        List.of(USAGE, REQUEST, RESPONSE))) {
      RequestMerger merger = new RequestMerger();
      List<MergedRequest> out = order.stream().map(merger::accept).flatMap(Optional::stream).toList();
      assertThat(out).hasSize(1);
      if (order.get(0) == USAGE) {
        // priced from the usage event at once: the raw events that follow are duplicates of an emitted request
        assertThat(out.get(0).usageEvent()).isEqualTo(USAGE);
        assertThat(merger.duplicates()).isEqualTo(2);
        assertThat(merger.usageEventsSuperseded()).isZero();
      } else {
        assertThat(out.get(0).usageEvent()).isNull();
        assertThat(merger.usageEventsSuperseded()).isEqualTo(1);
        assertThat(merger.duplicates()).isZero();
      }
    }
  }

  @Test
  void incompleteRawEventsGiveWayToTheUsageEventAtTheEnd() {
    RequestMerger merger = new RequestMerger();
    assertThat(merger.accept(REQUEST)).isEmpty();
    assertThat(merger.accept(USAGE)).isEmpty();
    assertThat(merger.flushIncomplete()).singleElement()
        .satisfies(m -> assertThat(m.usageEvent()).isEqualTo(USAGE));
  }
}
