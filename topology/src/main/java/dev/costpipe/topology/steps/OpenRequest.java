package dev.costpipe.topology.steps;

import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.merge.PartialRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A request still being merged, as its state store keeps it: each distinct event's original bytes, in arrival
 * order, and when it last saw an event by stream time and by wall clock. Keeping bytes, not parsed trees, makes
 * writing the state after each event a copy instead of a re-serialization of everything seen so far.
 */
public record OpenRequest(String requestId, long lastSeenStreamMs, long lastSeenWallMs, List<byte[]> events) {

  public OpenRequest {
    events = List.copyOf(events);
  }

  public static OpenRequest empty(String requestId) {
    return new OpenRequest(requestId, 0, 0, List.of());
  }

  /** This request after one more event: {@code newEvent} is null when the event was a duplicate. */
  public OpenRequest seen(byte[] newEvent, long streamMs, long wallMs) {
    if (newEvent == null) {
      return new OpenRequest(requestId, streamMs, wallMs, events);
    }
    List<byte[]> more = new ArrayList<>(events.size() + 1);
    more.addAll(events);
    more.add(newEvent);
    return new OpenRequest(requestId, streamMs, wallMs, more);
  }

  /** The events parsed again: they passed the parse step once, so they parse the same way now. */
  public PartialRequest toPartial() {
    PartialRequest p = new PartialRequest(requestId);
    events.forEach(e -> p.add(RawEventParser.parse(e)));
    return p;
  }

  public long bytes() {
    long n = 0;
    for (byte[] e : events) {
      n += e.length;
    }
    return n;
  }
}
