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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider fixture (real response shapes, see {@code fixtures/README.md}) sent through the
 * engine as raw events the way a producer would — the stream's SSE events as chunks, shuffled — and
 * checked against the fixture's expected normalized usage.
 */
class ProviderFixturesTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
  private static final CostEngine ENGINE = CostEngine.builtIn();

  static Stream<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.walk(FIXTURES)) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(list).as("fixtures under " + FIXTURES.toAbsolutePath()).hasSizeGreaterThan(30);
      return list.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void normalizedUsageMatches(Path file) throws IOException {
    JsonNode f = Json.MAPPER.readTree(file.toFile());
    CostRecord r = price(f, file);

    assertThat(r.errors()).as("errors").noneMatch(e -> e.startsWith("invalid usage") || e.equals("incomplete"));
    String expectedSource = f.path("expected_usage_source").asText();
    assertThat(r.usageSource().wire()).isEqualTo(expectedSource);
    if (expectedSource.equals("provider")) {
      assertThat(r.usage()).isEqualTo(usage(f.path("expected_usage")));
    } else {
      assertThat(r.usage().outputTokens()).as("estimated output").isPositive();
      assertThat(r.usage().inputTokens()).as("estimated input").isPositive();
    }
    assertThat(r.usage().invariantViolation()).isEmpty();
    assertThat(r.provider()).isEqualTo(f.path("provider").asText());
    if (f.hasNonNull("expected_provider_cost_usd")) {
      assertThat(r.pricingStatus()).isEqualTo(PricingStatus.PROVIDER_REPORTED);
      assertThat(BigDecimal.valueOf(r.costNanoUsd(), 9))
          .isEqualByComparingTo(new BigDecimal(f.path("expected_provider_cost_usd").asText()));
    }
  }

  /** Builds the producer's events for one fixture and merges them (chunks shuffled, one repeated). */
  static CostRecord price(JsonNode f, Path file) throws IOException {
    List<ObjectNode> events = new ArrayList<>();
    ObjectNode request = base(f, "request");
    request.set("request_body", f.get("request_body"));
    request.put("timestamp", "2026-06-01T12:00:00Z");
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
      ENGINE.validate(parsed);
      var done = merger.accept(parsed);
      if (done.isPresent()) {
        record = ENGINE.price(done.get(), Instant.EPOCH);
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

  private static Usage usage(JsonNode u) {
    return new Usage(u.path("input_tokens").asLong(), u.path("output_tokens").asLong(),
        u.path("cache_read_tokens").asLong(), u.path("cache_write_tokens").asLong(),
        u.path("cache_write_1h_tokens").asLong(), u.path("reasoning_tokens").asLong(),
        u.path("audio_input_tokens").asLong(), u.path("audio_output_tokens").asLong(),
        u.path("web_search_calls").asLong(), u.path("images").asLong());
  }
}
