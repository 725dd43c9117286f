package dev.costpipe.topology.steps;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void givesBackWhatWasLastPutUntilRemovedOrCleared() {
    ParsedRequests cache = new ParsedRequests(1 << 20);
    OpenRequest two = stored("a", 2);
    PartialRequest p = two.toPartial();
    cache.put(stored("a", 1), stored("a", 1).toPartial());
    cache.put(two, p);
    assertThat(cache.get("a").stored()).isSameAs(two);
    assertThat(cache.get("a").partial()).isSameAs(p);
    cache.remove("a");
    assertThat(cache.get("a")).isNull();
    cache.put(two, p);
    cache.clear();
    assertThat(cache.get("a")).isNull();
  }

  @Test
  void dropsTheLeastRecentlyUsedBeyondItsBytes() {
    ParsedRequests cache = new ParsedRequests(stored("r0", 3).bytes() * 4);
    List<OpenRequest> put = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      put.add(stored("r" + i, 3));
      cache.put(put.get(i), put.get(i).toPartial());
    }
    assertThat(cache.get("r0").stored()).isSameAs(put.get(0));
    cache.put(stored("r4", 3), stored("r4", 3).toPartial());
    assertThat(cache.get("r0").stored()).isSameAs(put.get(0));
    assertThat(cache.get("r1")).isNull();
    assertThat(cache.get("r2").stored()).isSameAs(put.get(2));
  }

  @Test
  void neverHoldsARequestLargerThanAQuarterOfItsBytes() {
    OpenRequest big = stored("a", 5);
    ParsedRequests cache = new ParsedRequests(big.bytes() * 3);
    cache.put(big, big.toPartial());
    assertThat(cache.get("a")).isNull();
  }
}
