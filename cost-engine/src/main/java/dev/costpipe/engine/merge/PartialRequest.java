package dev.costpipe.engine.merge;

import dev.costpipe.engine.event.EventType;
import dev.costpipe.engine.event.RawEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The events of one request seen so far. Chunks are keyed by {@code seq}, so out-of-order and
 * repeated chunks merge to the same result; the first copy of an event wins.
 *
 * <p>A usage event gives the whole request at once, but the raw events win when there are both: they carry the
 * provider's own usage. So a usage event alone completes the request; with raw events it waits for them to
 * complete (then it is superseded) and gives the request only if they never do ({@link #toMerged()}).
 */
public final class PartialRequest {
  private final String requestId;
  private RawEvent request;
  private RawEvent response;
  private final TreeMap<Integer, RawEvent> chunks = new TreeMap<>();
  private RawEvent usage;

  public PartialRequest(String requestId) {
    this.requestId = requestId;
  }

  /** What adding one event did. */
  public enum Added { NEW, DUPLICATE }

  public Added add(RawEvent e) {
    if (!e.requestId().equals(requestId)) {
      throw new IllegalArgumentException("event of " + e.requestId() + " added to " + requestId);
    }
    if (e.type() == EventType.CHUNK) {
      return chunks.putIfAbsent(e.seq(), e) == null ? Added.NEW : Added.DUPLICATE;
    }
    if (e.type() == EventType.USAGE) {
      if (usage != null) {
        return Added.DUPLICATE;
      }
      usage = e;
      return Added.NEW;
    }
    if (e.type() == EventType.REQUEST) {
      if (request != null) {
        return Added.DUPLICATE;
      }
      request = e;
      return Added.NEW;
    }
    if (response != null) {
      return Added.DUPLICATE;
    }
    response = e;
    return Added.NEW;
  }

  public String requestId() {
    return requestId;
  }

  public int chunkCount() {
    return chunks.size();
  }

  /** The raw events are complete, or a usage event came and no raw event. */
  public boolean isComplete() {
    return rawComplete() || (usage != null && !hasRawEvents());
  }

  /** Request side and response arrived and, when streamed, every chunk from 0 to the highest seq seen. */
  public boolean rawComplete() {
    boolean requestSide = request != null || (response != null && response.requestBody() != null);
    boolean allChunks = chunks.isEmpty() || chunks.lastKey() == chunks.size() - 1;
    return requestSide && response != null && allChunks;
  }

  public boolean hasRawEvents() {
    return request != null || response != null || !chunks.isEmpty();
  }

  public boolean hasUsageEvent() {
    return usage != null;
  }

  /**
   * The request as merged from its raw events when they are complete, else from its usage event if there is one
   * (complete either way), else from the raw events seen (incomplete).
   */
  public MergedRequest toMerged() {
    if (usage != null && !rawComplete()) {
      return MergedRequest.ofUsage(usage);
    }
    return new MergedRequest(requestId, request, response, new ArrayList<>(chunks.values()), rawComplete());
  }

  /** Every event held, request and response first, a usage event last: what a state store keeps of this request. */
  public List<RawEvent> events() {
    List<RawEvent> all = new ArrayList<>(chunks.size() + 3);
    if (request != null) {
      all.add(request);
    }
    if (response != null) {
      all.add(response);
    }
    all.addAll(chunks.values());
    if (usage != null) {
      all.add(usage);
    }
    return all;
  }
}
