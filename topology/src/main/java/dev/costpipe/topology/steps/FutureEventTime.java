package dev.costpipe.topology.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.merge.MergedRequest;
import dev.costpipe.engine.record.CostRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An event timestamped further ahead of its ingestion (the raw record's broker time) than {@code
 * costpipe.event-time.max-future}: every record derived from it would carry that time, and the broker refuses
 * records more than {@code log.message.timestamp.after.max.ms} (1 h by default) ahead, which stopped the stream
 * thread. Such an event is rewritten at parse time, before anything is written with its time: its timestamp
 * becomes its ingestion time and the time it claimed is kept in a header of the envelope, so that it survives the
 * merge store and its changelog (which keep events as their bytes) and the cost record says so in {@code errors}.
 */
public final class FutureEventTime {
  /** The envelope header holding the timestamp an event claimed, as it was written. */
  public static final String CLAIMED_HEADER = "Costpipe-Event-Time-Claimed";
  /** The cost record error's prefix, followed by the claimed timestamp. */
  public static final String ERROR = "event time in the future: ";

  private FutureEventTime() {}

  /** Whether {@code event} is timestamped more than {@code maxFuture} after {@code ingestedMs}. */
  public static boolean isAhead(RawEvent event, long ingestedMs, Duration maxFuture) {
    return event.timestamp() != null && event.timestamp().toEpochMilli() - ingestedMs > maxFuture.toMillis();
  }

  /** The event's bytes timestamped {@code ingestedMs}, with the timestamp it claimed in {@link #CLAIMED_HEADER}. */
  public static byte[] atIngestion(byte[] original, long ingestedMs) {
    try {
      ObjectNode root = (ObjectNode) Json.MAPPER.readTree(original);
      String claimed = root.get("timestamp").asText();
      root.put("timestamp", Instant.ofEpochMilli(ingestedMs).toString());
      JsonNode headers = root.get("headers");
      ObjectNode h = headers instanceof ObjectNode o ? o : root.putObject("headers");
      h.put(CLAIMED_HEADER, claimed);
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      // the bytes parsed a moment ago
      throw new UncheckedIOException(e);
    }
  }

  /** {@code cost} with the future event time flagged in its errors, when one of the request's events claimed one. */
  public static CostRecord flagged(CostRecord cost, MergedRequest request) {
    String claimed = request.headers().get(CLAIMED_HEADER);
    if (claimed == null) {
      return cost;
    }
    List<String> errors = new ArrayList<>(cost.errors());
    errors.add(ERROR + claimed);
    return new CostRecord(cost.requestId(), cost.timestamp(), cost.provider(), cost.model(), cost.modelKey(),
        cost.userId(), cost.sessionId(), cost.sessionName(), cost.sessionPath(), cost.properties(), cost.status(),
        cost.streamed(), cost.cacheHit(), cost.usage(), cost.usageSource(), cost.pricingStatus(), cost.costNanoUsd(),
        cost.costBreakdown(), cost.cacheSavingsNanoUsd(), errors, cost.revision(), cost.reportedCostNanoUsd());
  }
}
