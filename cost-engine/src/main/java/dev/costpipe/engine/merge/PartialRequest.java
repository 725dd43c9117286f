package dev.costpipe.engine.merge;

import dev.costpipe.engine.event.EventType;
import dev.costpipe.engine.event.RawEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The events of one request seen so far. Chunks are keyed by {@code seq}, so out-of-order and
 * repeated chunks merge to the same result; the first copy of an event wins.
 */
public final class PartialRequest {
  private final String requestId;
  private RawEvent request;
  private RawEvent response;
  private final TreeMap<Integer, RawEvent> chunks = new TreeMap<>();

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

  /** Request side and response arrived and, when streamed, every chunk from 0 to the highest seq seen. */
  public boolean isComplete() {
    boolean requestSide = request != null || (response != null && response.requestBody() != null);
    boolean allChunks = chunks.isEmpty() || chunks.lastKey() == chunks.size() - 1;
    return requestSide && response != null && allChunks;
  }

  public MergedRequest toMerged() {
    return new MergedRequest(requestId, request, response, new ArrayList<>(chunks.values()), isComplete());
  }

  /** Every event held, request and response first: what a state store keeps of this request. */
  public List<RawEvent> events() {
    List<RawEvent> all = new ArrayList<>(chunks.size() + 2);
    if (request != null) {
      all.add(request);
    }
    if (response != null) {
      all.add(response);
    }
    all.addAll(chunks.values());
    return all;
  }
}
