package dev.costpipe.topology.steps;

import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.merge.PartialRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A request still being merged, as its state store keeps it: each distinct event's original bytes, in arrival
 * order, and when it last saw an event by stream time and by wall clock. Keeping bytes, not parsed trees, makes
 * writing the state after each event a copy instead of a re-serialization of everything seen so far.
 *
 * <p>A request emitted already stays, for the dedup window, with {@code emissions} (how many revisions came
 * out) and {@code firstEmittedMs} (the first revision's time, which every later revision keeps): a late event then
 * merges with its events into the next revision. {@code pricedFromUsageEvent}: the last revision out was priced
 * from the request's usage event (complete), so only its raw events, once complete, make the next one; the usage
 * event itself is among the events unless the raw events came after it was priced alone.
 */
public record OpenRequest(String requestId, long lastSeenStreamMs, long lastSeenWallMs, List<byte[]> events,
    int emissions, long firstEmittedMs, boolean pricedFromUsageEvent) {

  public OpenRequest {
    events = List.copyOf(events);
  }

  /** A request not emitted yet. */
  public OpenRequest(String requestId, long lastSeenStreamMs, long lastSeenWallMs, List<byte[]> events) {
    this(requestId, lastSeenStreamMs, lastSeenWallMs, events, 0, 0, false);
  }

  public static OpenRequest empty(String requestId) {
    return new OpenRequest(requestId, 0, 0, List.of());
  }

  /** A request priced from its usage event alone, as revision 0 at {@code usageRevisionMs}: raw events came since. */
  public static OpenRequest afterUsageEvent(String requestId, long usageRevisionMs) {
    return new OpenRequest(requestId, 0, 0, List.of(), 1, usageRevisionMs, true);
  }

  /** Whether a revision of this request came out already (a later event may make the next one). */
  public boolean emitted() {
    return emissions > 0;
  }

  /** This request after one more event: {@code newEvent} is null when the event was a duplicate. */
  public OpenRequest seen(byte[] newEvent, long streamMs, long wallMs) {
    if (newEvent == null) {
      return new OpenRequest(requestId, streamMs, wallMs, events, emissions, firstEmittedMs, pricedFromUsageEvent);
    }
    List<byte[]> more = new ArrayList<>(events.size() + 1);
    more.addAll(events);
    more.add(newEvent);
    return new OpenRequest(requestId, streamMs, wallMs, more, emissions, firstEmittedMs, pricedFromUsageEvent);
  }

  /**
   * This request after one more revision came out that a later one may replace (incomplete, or priced from its
   * usage event over raw events still incomplete), at {@code timestampMs} if it was the first.
   */
  public OpenRequest emittedRevisable(long timestampMs, boolean fromUsageEvent) {
    return new OpenRequest(requestId, lastSeenStreamMs, lastSeenWallMs, events, emissions + 1,
        emitted() ? firstEmittedMs : timestampMs, fromUsageEvent);
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
