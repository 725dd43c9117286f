package dev.costpipe.topology.steps;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.topology.Events;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsedRequestsTest {
  private static final List<byte[]> EVENTS = Events.anthropicStream("a", "2026-06-01T00:00:05Z", 1000, 50)
      .stream().map(s -> s.getBytes(UTF_8)).toList();

  private static OpenRequest stored(String id, int events) {
    return new OpenRequest(id, 0, 0,
        EVENTS.subList(0, events).stream().map(e -> new String(e, UTF_8).replace("\"a\"", "\"" + id + "\""))
            .map(s -> s.getBytes(UTF_8)).toList());
  }

  private static PartialRequest parsed(OpenRequest o) {
    PartialRequest p = new PartialRequest(o.requestId());
    o.events().forEach(e -> p.add(RawEventParser.parse(e)));
    return p;
  }

  @Test
  void givesBackWhatWasPutWhileTheStoreHoldsAsManyEvents() {
    ParsedRequests cache = new ParsedRequests(1 << 20);
    OpenRequest two = stored("a", 2);
    PartialRequest p = parsed(two);
    cache.put(two, p);
    assertThat(cache.of(two)).isSameAs(p);
  }

  @Test
  void parsesFromTheStoreWhenTheStoreWasRolledBack() {
    ParsedRequests cache = new ParsedRequests(1 << 20);
    OpenRequest three = stored("a", 3);
    cache.put(three, parsed(three));
    OpenRequest two = stored("a", 2);
    PartialRequest fromStore = cache.of(two);
    assertThat(fromStore.toMerged()).isEqualTo(parsed(two).toMerged());
    assertThat(fromStore.chunkCount()).isEqualTo(1);
  }

  @Test
  void dropsTheLeastRecentlyUsedBeyondItsBytes() {
    ParsedRequests cache = new ParsedRequests(stored("r0", 3).bytes() * 4);
    List<PartialRequest> put = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      put.add(parsed(stored("r" + i, 3)));
      cache.put(stored("r" + i, 3), put.get(i));
    }
    assertThat(cache.of(stored("r0", 3))).isSameAs(put.get(0));
    cache.put(stored("r4", 3), parsed(stored("r4", 3)));
    assertThat(cache.of(stored("r0", 3))).isSameAs(put.get(0));
    assertThat(cache.of(stored("r1", 3))).isNotSameAs(put.get(1));
    assertThat(cache.of(stored("r2", 3))).isSameAs(put.get(2));
  }

  @Test
  void neverHoldsARequestLargerThanAQuarterOfItsBytes() {
    OpenRequest big = stored("a", 5);
    ParsedRequests cache = new ParsedRequests(big.bytes() * 3);
    PartialRequest p = parsed(big);
    cache.put(big, p);
    assertThat(cache.of(big)).isNotSameAs(p);
  }
}
