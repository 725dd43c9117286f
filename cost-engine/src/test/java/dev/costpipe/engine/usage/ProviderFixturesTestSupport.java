package dev.costpipe.engine.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.merge.RequestMerger;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.record.PricingStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Turns a provider fixture into the raw events a producer would send, and prices them. */
public final class ProviderFixturesTestSupport {
  private static final CostEngine ENGINE = CostEngine.builtIn();

  private ProviderFixturesTestSupport() {}

  /** The test prices of {@code billed-usage-prices/}: each the provider's list price, noted there. */
  public static CostEngine billedUsagePrices() throws IOException {
    return CostEngine.withPrices(PricingRegistry.of(
        CatalogueLoader.load(Path.of("src/test/resources/billed-usage-prices")).entries()));
  }

  /** Priced, at exactly {@code usd}. */
  public static void assertCost(CostRecord r, String usd) {
    assertThat(r.pricingStatus()).as("%s", r.errors()).isEqualTo(PricingStatus.PRICED);
    assertThat(BigDecimal.valueOf(r.costNanoUsd(), 9)).isEqualByComparingTo(usd);
  }

  /** Builds the producer's events for one fixture and merges them (chunks shuffled, one repeated). */
  public static CostRecord price(JsonNode f, Path file) throws IOException {
    return price(f, file, ENGINE);
  }

  /** The same, priced by {@code engine}. */
  public static CostRecord price(JsonNode f, Path file, CostEngine engine) throws IOException {
    return price(f, file, engine, "2026-06-01T12:00:00Z");
  }

  /** The same, the request sent at {@code timestamp} (ISO-8601). */
  public static CostRecord price(JsonNode f, Path file, CostEngine engine, String timestamp) throws IOException {
    List<ObjectNode> events = new ArrayList<>();
    ObjectNode request = base(f, "request");
    request.set("request_body", f.get("request_body"));
    request.put("timestamp", timestamp);
    events.add(request);
    ObjectNode response = base(f, "response");
    response.put("status", 200);
    if (f.hasNonNull("stream_file")) {
      List<String> chunks = chunks(file.resolveSibling(f.path("stream_file").asText()));
      for (int i = 0; i < chunks.size(); i++) {
        ObjectNode c = base(f, "chunk");
        c.put("seq", i);
        c.put("chunk", chunks.get(i));
        events.add(c);
      }
      Random random = new Random(file.toString().hashCode());
      events.add(events.get(1 + random.nextInt(chunks.size())).deepCopy());
      Collections.shuffle(events, random);
    } else {
      response.set("response_body", f.get("response_body"));
    }
    events.add(response);
    RequestMerger merger = new RequestMerger();
    CostRecord record = null;
    for (ObjectNode e : events) {
      RawEvent parsed = RawEventParser.parse(e);
      engine.validate(parsed);
      var done = merger.accept(parsed);
      if (done.isPresent()) {
        record = engine.price(done.get(), Instant.EPOCH);
      }
    }
    assertThat(record).as("request completed").isNotNull();
    return record;
  }

  private static ObjectNode base(JsonNode f, String type) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("request_id", "fixture");
    e.put("event_type", type);
    if (type.equals("request")) {
      e.put("provider", f.path("provider").asText());
      e.put("target_url", f.path("target_url").asText());
    }
    return e;
  }

  /** A stream file as the chunks a producer logs: one SSE event (raw text) or one decoded event (JSON) each. */
  private static List<String> chunks(Path stream) throws IOException {
    String text = Files.readString(stream);
    if (stream.toString().endsWith(".jsonl")) {
      return text.lines().filter(l -> !l.isBlank()).toList();
    }
    List<String> out = new ArrayList<>();
    for (String event : text.split("\\r?\\n\\r?\\n")) {
      if (!event.isBlank()) {
        out.add(event + "\n\n");
      }
    }
    return out;
  }

}
