package dev.costpipe.engine.merge;

import dev.costpipe.engine.event.EventType;
import dev.costpipe.engine.event.RawEvent;

/**
 * How far a request's merge has got, in constant size: which sides arrived, how many distinct chunks
 * and the highest seq. The one rule for "complete", shared by {@link PartialRequest} and by stores that
 * keep a request's events apart from its progress (so that an event costs one write, not a rewrite of
 * every event before it).
 *
 * @param maxSeq the highest chunk seq seen, -1 without chunks
 */
public record MergeProgress(boolean request, boolean response, boolean responseCarriesRequest, int chunks, int maxSeq) {
  public static final MergeProgress NONE = new MergeProgress(false, false, false, 0, -1);

  /** Whether {@code e} repeats a request or response already seen (chunks: the caller knows its seqs). */
  public boolean repeats(RawEvent e) {
    return e.type() == EventType.REQUEST ? request : e.type() == EventType.RESPONSE && response;
  }

  /** The progress once {@code e}, not seen before, is added. */
  public MergeProgress with(RawEvent e) {
    return switch (e.type()) {
      case REQUEST -> new MergeProgress(true, response, responseCarriesRequest, chunks, maxSeq);
      case RESPONSE -> new MergeProgress(request, true, e.requestBody() != null, chunks, maxSeq);
      case CHUNK -> new MergeProgress(request, response, responseCarriesRequest, chunks + 1, Math.max(maxSeq, e.seq()));
    };
  }

  /** Request side and response arrived and, when streamed, every chunk from 0 to the highest seq seen. */
  public boolean isComplete() {
    return (request || responseCarriesRequest) && response && maxSeq == chunks - 1;
  }
}
