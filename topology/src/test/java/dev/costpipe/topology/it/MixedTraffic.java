package dev.costpipe.topology.it;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.merge.RequestMerger;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.Events;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Reproducible mixed traffic (OpenAI calls, streamed Anthropic calls, unknown models, cache hits,
 * retried events, events keyed otherwise, bad lines) and what it must cost, computed with the offline
 * path (same merge and engine code, built-in prices). As the contract asks of producers, a stream's
 * chunks and its response share the request_id key, so the response follows the last chunk.
 */
public final class MixedTraffic {
  public final List<Map.Entry<String, String>> records = new ArrayList<>();
  public final Map<String, CostRecord> expected = new LinkedHashMap<>();
  public int badLines;
  /** The first request's time. */
  public final Instant start;

  private final CostEngine engine = CostEngine.builtIn();
  private final RequestMerger merger = new RequestMerger();

  public MixedTraffic(int requests, long seed) {
    this(requests, seed, Instant.parse("2026-06-01T10:00:00Z"));
  }

  /** Requests one second apart from {@code start}, all within its day (less than 14 hours of them). */
  public MixedTraffic(int requests, long seed, Instant start) {
    this.start = start;
    Random random = new Random(seed);
    for (int i = 0; i < requests; i++) {
      String id = "req-" + seed + "-" + i;
      String at = start.plusSeconds(i).toString();
      String user = "user-" + random.nextInt(7);
      Map<String, String> headers = Map.of("Helicone-User-Id", user, "Helicone-Session-Id", "sess-" + random.nextInt(20),
          "Helicone-Property-Environment", random.nextInt(4) == 0 ? "development" : "production");
      int kind = random.nextInt(10);
      if (kind < 4) {
        add(random.nextInt(5) == 0 ? "other-key-" + i : id,
            Events.openAi(id, at, "gpt-4o-mini", 100 + random.nextInt(5000), 1 + random.nextInt(800), headers));
      } else if (kind < 7) {
        List<String> events = Events.anthropicStream(id, at, 50 + random.nextInt(9000), 1 + random.nextInt(900));
        // a request event keyed otherwise is re-keyed (and may arrive later: completion waits for it);
        // chunks keep their key, so the response still follows the last chunk
        add(random.nextInt(4) == 0 ? "other-key-" + i : id, events.get(0));
        for (String e : events.subList(1, events.size())) {
          add(id, e);
        }
        if (random.nextBoolean()) {
          add(id, events.get(2));
        }
      } else if (kind < 8) {
        add(id, Events.openAi(id, at, "gpt-unreleased-" + random.nextInt(3), 500, 50, headers));
      } else if (kind < 9) {
        add(id, Events.openAi(id, at, "gpt-4.1", 2000, 300, headers)
            .replace("\"status\":200", "\"status\":200,\"cache_hit\":true"));
      } else {
        String call = Events.openAi(id, at, "gpt-4.1-nano", 300, 30, headers);
        add(id, call);
        add(id, call);
      }
      if (random.nextInt(12) == 0) {
        records.add(Map.entry("bad-" + i,
            random.nextBoolean() ? "{not json" : "{\"request_id\":\"" + id + "x\",\"event_type\":\"nope\"}"));
        badLines++;
      }
    }
    if (merger.openRequests() != 0) {
      throw new IllegalStateException("traffic left requests incomplete");
    }
  }

  /**
   * Adds a good event and what it must cost once its request completes (computed with the offline path:
   * same merge and engine code, built-in prices).
   */
  public void add(String key, String value) {
    records.add(Map.entry(key, value));
    try {
      RawEvent e = RawEventParser.parse(value);
      engine.validate(e);
      merger.accept(e).ifPresent(m -> expected.put(m.requestId(), engine.price(m, Instant.EPOCH)));
    } catch (BadEventException e) {
      throw new IllegalArgumentException("not a good event: " + e.getMessage(), e);
    }
  }

  /** The start of the day (UTC) all requests fall in. */
  public Instant day() {
    return start.truncatedTo(ChronoUnit.DAYS);
  }

  public long expectedTotalNano() {
    return expected.values().stream().mapToLong(r -> r.costNanoUsd() == null ? 0 : r.costNanoUsd()).sum();
  }
}
