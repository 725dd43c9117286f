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
    CostRecord r = ProviderFixturesTestSupport.price(f, file);

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

  private static Usage usage(JsonNode u) {
    return new Usage(u.path("input_tokens").asLong(), u.path("output_tokens").asLong(),
        u.path("cache_read_tokens").asLong(), u.path("cache_write_tokens").asLong(),
        u.path("cache_write_1h_tokens").asLong(), u.path("reasoning_tokens").asLong(),
        u.path("audio_input_tokens").asLong(), u.path("audio_output_tokens").asLong(),
        u.path("web_search_calls").asLong(), u.path("images").asLong(), u.path("image_output_tokens").asLong(),
        u.path("cache_read_audio_tokens").asLong(), u.path("search_sources").asLong(),
        u.path("server_tool_calls").asLong(), u.path("image_input_tokens").asLong(),
        u.path("video_input_tokens").asLong(), u.path("service_tier").asText(""), u.path("inference_geo").asText(""));
  }
}
