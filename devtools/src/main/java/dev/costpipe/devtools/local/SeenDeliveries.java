package dev.costpipe.devtools.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The delivery ids ({@code X-Costpipe-Delivery-Id}) a receiver took within the signature window, to drop repeats:
 * a replayed request (same id, still a valid signature) or costpipe's retry after the receiver's answer was lost.
 * An id is remembered for twice the signature tolerance (a timestamp may be that far from the receipt and still
 * verify); older requests fail the signature check anyway. Memory is bounded: at most {@code capacity} ids, and a
 * new one beyond that is refused for now ({@link Outcome#FULL}: answer 503 so the sender retries) rather than an
 * unexpired one forgotten. Thread-safe.
 */
final class SeenDeliveries {
  enum Outcome { FIRST, REPEAT, FULL }

  private final Duration remembered;
  private final int capacity;
  /** id → when it may be forgotten, in order of arrival (so expiries ascend). */
  private final LinkedHashMap<String, Instant> expiries = new LinkedHashMap<>();

  SeenDeliveries(Duration signatureTolerance, int capacity) {
    this.remembered = signatureTolerance.multipliedBy(2);
    this.capacity = capacity;
  }

  synchronized Outcome record(String deliveryId, Instant now) {
    forgetExpired(now);
    if (expiries.containsKey(deliveryId)) {
      return Outcome.REPEAT;
    }
    if (expiries.size() >= capacity) {
      return Outcome.FULL;
    }
    expiries.put(deliveryId, now.plus(remembered));
    return Outcome.FIRST;
  }

  synchronized int size() {
    return expiries.size();
  }

  private void forgetExpired(Instant now) {
    for (Iterator<Map.Entry<String, Instant>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().isAfter(now)) {
        return;
      }
      it.remove();
    }
  }
}
