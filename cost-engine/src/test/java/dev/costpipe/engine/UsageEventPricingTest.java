package dev.costpipe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.ProviderFixturesTestSupport;
import dev.costpipe.engine.usage.UsageSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A usage event is priced exactly like the raw events whose bodies report the same normalized usage: the same
 * cost, breakdown, savings, status and flags, with the built-in catalogue.
 */
class UsageEventPricingTest {
  private static final CostEngine ENGINE = CostEngine.builtIn();
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  static Stream<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.walk(FIXTURES)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  /** The usage event a source would send for the call {@code raw} is the record of. */
  private static ObjectNode usageEventOf(CostRecord raw) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("event_type", "usage");
    e.put("request_id", raw.requestId());
    e.put("timestamp", raw.timestamp().toString());
    e.put("provider", raw.provider());
    e.put("model", raw.model());
    e.set("usage", CostRecordJson.usageTree(raw.usage()));
    if (raw.userId() != null) {
      e.put("user_id", raw.userId());
    }
    raw.properties().forEach(e.putObject("properties")::put);
    e.put("status", raw.status());
    e.put("cache_hit", raw.cacheHit());
    e.put("streamed", raw.streamed());
    e.put("source", "test");
    return e;
  }

  private static CostRecord price(JsonNode... events) {
    PartialRequest p = null;
    for (JsonNode json : events) {
      var e = RawEventParser.parse(json);
      ENGINE.validate(e);
      p = p == null ? new PartialRequest(e.requestId()) : p;
      p.add(e);
    }
    assertThat(p.isComplete()).isTrue();
    return ENGINE.price(p.toMerged(), Instant.EPOCH);
  }

  private static void assertPricedAlike(CostRecord fromUsage, CostRecord fromBody) {
    assertThat(fromUsage.usage()).isEqualTo(fromBody.usage());
    assertThat(fromUsage.pricingStatus()).isEqualTo(fromBody.pricingStatus());
    assertThat(fromUsage.costNanoUsd()).isEqualTo(fromBody.costNanoUsd());
    assertThat(fromUsage.costBreakdown()).isEqualTo(fromBody.costBreakdown());
    assertThat(fromUsage.cacheSavingsNanoUsd()).isEqualTo(fromBody.cacheSavingsNanoUsd());
    assertThat(fromUsage.modelKey()).isEqualTo(fromBody.modelKey());
    assertThat(fromUsage.provider()).isEqualTo(fromBody.provider());
    assertThat(fromUsage.model()).isEqualTo(fromBody.model());
    assertThat(fromUsage.timestamp()).isEqualTo(fromBody.timestamp());
    assertThat(fromUsage.streamed()).isEqualTo(fromBody.streamed());
    assertThat(fromUsage.status()).isEqualTo(fromBody.status());
  }

  /**
   * Every provider fixture whose body reports usage: its usage as a usage event is priced the same. The only flags
   * a usage event cannot repeat are counts the body reports outside normalized usage (e.g. Anthropic's
   * code-execution requests), which its usage object has no field for.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void everyFixturesUsagePricesTheSameAsAUsageEvent(Path file) throws IOException {
    JsonNode f = Json.MAPPER.readTree(file.toFile());
    CostRecord fromBody = ProviderFixturesTestSupport.price(f, file);
    if (fromBody.usageSource() != UsageSource.PROVIDER || fromBody.pricingStatus() == PricingStatus.PROVIDER_REPORTED) {
      return; // estimated usage, or the provider's own cost: nothing a usage event would repeat
    }
    ObjectNode event = usageEventOf(fromBody);
    event.put("target_url", f.path("target_url").asText());
    CostRecord fromUsage = price(event);
    assertPricedAlike(fromUsage, fromBody);
    List<String> bodyOnly = new ArrayList<>(fromBody.errors());
    bodyOnly.removeAll(fromUsage.errors());
    assertThat(fromBody.errors()).containsAll(fromUsage.errors());
    assertThat(bodyOnly).allMatch(e -> e.startsWith(CostRecord.UNPRICED_USAGE) && e.contains("."));
  }

  private static final String ANTHROPIC_CACHE = "{\"request_id\":\"a1\",\"event_type\":\"response\","
      + "\"provider\":\"anthropic\",\"timestamp\":\"2026-06-01T12:00:00Z\",\"status\":200,"
      + "\"request_body\":{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[]},"
      + "\"response_body\":{\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":100,"
      + "\"cache_read_input_tokens\":2000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":300,"
      + "\"ephemeral_1h_input_tokens\":400},\"output_tokens\":50,\"inference_geo\":\"us\"}}}";

  @Test
  void anthropicCacheReadsAndBothCacheWriteDurationsAndRegion() throws IOException {
    CostRecord fromBody = price(Json.MAPPER.readTree(ANTHROPIC_CACHE));
    assertThat(fromBody.usage().cacheWrite1hTokens()).isEqualTo(400);
    assertThat(fromBody.usage().inferenceGeo()).isEqualTo("us");
    CostRecord fromUsage = price(Json.MAPPER.readTree("{\"event_type\":\"usage\",\"request_id\":\"a1\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\","
        + "\"usage\":{\"input_tokens\":2800,\"output_tokens\":50,\"cache_read_tokens\":2000,"
        + "\"cache_write_tokens\":300,\"cache_write_1h_tokens\":400,\"inference_geo\":\"us\"}}"));
    assertPricedAlike(fromUsage, fromBody);
    assertThat(fromUsage.errors()).isEqualTo(fromBody.errors());
    assertThat(fromUsage.costNanoUsd()).isPositive();
    assertThat(fromUsage.cacheSavingsNanoUsd()).isPositive();
  }

  @Test
  void openAiCachedReasoningOnTheFlexTier() throws IOException {
    String body = "{\"request_id\":\"o1\",\"event_type\":\"response\",\"provider\":\"openai\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"status\":200,"
        + "\"request_body\":{\"model\":\"o4-mini\",\"service_tier\":\"flex\",\"messages\":[]},"
        + "\"response_body\":{\"model\":\"o4-mini-2025-04-16\",\"service_tier\":\"flex\",\"usage\":{"
        + "\"prompt_tokens\":3000,\"completion_tokens\":900,\"prompt_tokens_details\":{\"cached_tokens\":2048},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":700}}}}";
    CostRecord fromBody = price(Json.MAPPER.readTree(body));
    assertThat(fromBody.usage().serviceTier()).isEqualTo("flex");
    CostRecord fromUsage = price(Json.MAPPER.readTree("{\"event_type\":\"usage\",\"request_id\":\"o1\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"provider\":\"openai\",\"model\":\"o4-mini\","
        + "\"usage\":{\"input_tokens\":3000,\"output_tokens\":900,\"cache_read_tokens\":2048,"
        + "\"reasoning_tokens\":700,\"service_tier\":\"Flex\"}}"));
    assertPricedAlike(fromUsage, fromBody);
    assertThat(fromUsage.errors()).isEqualTo(fromBody.errors());
  }

  @Test
  void geminiCachedThinking() throws IOException {
    String body = "{\"request_id\":\"g1\",\"event_type\":\"response\",\"provider\":\"google\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"status\":200,\"model\":\"gemini-2.5-flash\","
        + "\"target_url\":\"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent\","
        + "\"request_body\":{\"contents\":[]},"
        + "\"response_body\":{\"modelVersion\":\"gemini-2.5-flash\",\"usageMetadata\":{\"promptTokenCount\":5000,"
        + "\"cachedContentTokenCount\":4000,\"candidatesTokenCount\":200,\"thoughtsTokenCount\":300,"
        + "\"totalTokenCount\":5500}}}";
    CostRecord fromBody = price(Json.MAPPER.readTree(body));
    assertThat(fromBody.usage().reasoningTokens()).isEqualTo(300);
    CostRecord fromUsage = price(usageEventOf(fromBody));
    assertPricedAlike(fromUsage, fromBody);
    assertThat(fromUsage.errors()).isEqualTo(fromBody.errors());
    assertThat(fromUsage.usage().cacheReadTokens()).isEqualTo(4000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"batch", "flex", "priority"})
  void serviceTierInTheUsageIsTheBodysTier(String tier) throws IOException {
    String body = "{\"request_id\":\"t1\",\"event_type\":\"response\",\"provider\":\"openai\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"status\":200,"
        + (tier.equals("batch") ? "\"target_url\":\"https://api.openai.com/v1/batches\"," : "")
        + "\"request_body\":{\"model\":\"gpt-5.6\",\"messages\":[]},"
        + "\"response_body\":{\"model\":\"gpt-5.6\",\"service_tier\":\"" + tier + "\",\"usage\":{"
        + "\"prompt_tokens\":1000,\"completion_tokens\":100}}}";
    CostRecord fromBody = price(Json.MAPPER.readTree(body));
    CostRecord standard = price(Json.MAPPER.readTree(body.replace("\"service_tier\":\"" + tier + "\",", "")
        .replace("\"target_url\":\"https://api.openai.com/v1/batches\",", "")));
    assertThat(fromBody.costNanoUsd()).isNotEqualTo(standard.costNanoUsd());
    CostRecord fromUsage = price(Json.MAPPER.readTree("{\"event_type\":\"usage\",\"request_id\":\"t1\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"provider\":\"openai\",\"model\":\"gpt-5.6\","
        + "\"usage\":{\"input_tokens\":1000,\"output_tokens\":100,\"service_tier\":\"" + tier + "\"}}"));
    assertPricedAlike(fromUsage, fromBody);
  }

  @Test
  void callerTagsAndHeadersExplicitFieldsWin() {
    CostRecord r = price("{\"event_type\":\"usage\",\"request_id\":\"u1\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1},"
        + "\"headers\":{\"helicone-user-id\":\"bob\",\"Helicone-Property-Environment\":\"production\","
        + "\"Helicone-Property-team\":\"ads\",\"Helicone-Session-Id\":\"s0\"},"
        + "\"user_id\":\"alice\",\"session_name\":\"chat\",\"properties\":{\"team\":\"search\"}}");
    assertThat(r.userId()).isEqualTo("alice");
    assertThat(r.sessionId()).isEqualTo("s0");
    assertThat(r.sessionName()).isEqualTo("chat");
    assertThat(r.properties()).containsEntry("Environment", "production").containsEntry("team", "search")
        .hasSize(2);
    assertThat(r.status()).isEqualTo(200);
  }

  private static CostRecord price(String json) {
    try {
      return price(Json.MAPPER.readTree(json));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void cacheHitCostsNothingAndSavesTheCost() {
    String event = "{\"event_type\":\"usage\",\"request_id\":\"c1\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"usage\":{\"input_tokens\":1000,\"output_tokens\":100}";
    CostRecord paid = price(event + "}");
    CostRecord hit = price(event + ",\"cache_hit\":true}");
    assertThat(hit.costNanoUsd()).isZero();
    assertThat(hit.cacheSavingsNanoUsd()).isEqualTo(paid.costNanoUsd()).isPositive();
    assertThat(hit.cacheHit()).isTrue();
  }

  @Test
  void failedCallWithoutUsageIsRecordedWithoutCost() {
    for (String usage : List.of("", ",\"usage\":{}", ",\"usage\":{\"input_tokens\":0,\"service_tier\":\"flex\"}")) {
      CostRecord r = price("{\"event_type\":\"usage\",\"request_id\":\"f1\",\"provider\":\"openai\","
          + "\"model\":\"gpt-4o\",\"status\":429" + usage + "}");
      assertThat(r.pricingStatus()).isEqualTo(PricingStatus.NO_USAGE);
      assertThat(r.usageSource()).isEqualTo(UsageSource.NONE);
      assertThat(r.costNanoUsd()).isNull();
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.errors()).containsExactly("no usage: request failed with status 429");
    }
  }

  @Test
  void aFailedCallWithUsageIsPricedAsItsBodyWouldBe() {
    CostRecord r = price("{\"event_type\":\"usage\",\"request_id\":\"f2\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"status\":500,\"usage\":{\"input_tokens\":100}}");
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.PRICED);
    assertThat(r.costNanoUsd()).isPositive();
  }

  @Test
  void reportedCostIsKeptRoundedOnceAndNeverTheCost() {
    CostRecord r = price("{\"event_type\":\"usage\",\"request_id\":\"r1\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"usage\":{\"input_tokens\":1000,\"output_tokens\":100},\"reported_cost_usd\":\"0.0035000005\"}");
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.PRICED);
    assertThat(r.reportedCostNanoUsd()).isEqualTo(3_500_000L); // half-even: ...0005 → ...000
    CostRecord n = price("{\"event_type\":\"usage\",\"request_id\":\"r1\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"usage\":{\"input_tokens\":1000,\"output_tokens\":100},\"reported_cost_usd\":0.0000000015}");
    assertThat(n.reportedCostNanoUsd()).isEqualTo(2L); // a JSON number read from its text, half-even
  }

  @Test
  void reportedCostOfAnUnknownModelIsKeptButNotUsed() {
    CostRecord r = price("{\"event_type\":\"usage\",\"request_id\":\"r1\",\"provider\":\"openai\","
        + "\"model\":\"no-such-model\",\"usage\":{\"input_tokens\":1000},\"reported_cost_usd\":\"0.01\"}");
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.UNKNOWN_MODEL);
    assertThat(r.costNanoUsd()).isNull();
    assertThat(r.reportedCostNanoUsd()).isEqualTo(10_000_000L);
    assertThat(r.errors()).containsExactly("unknown model: openai/no-such-model");
  }

  @Test
  void disagreementNeedsMoreThanOnePercentAndOneMicroDollar() {
    assertThat(withCosts(1_000_000L, 1_010_000L).reportedCostDisagrees()).isFalse(); // exactly 1%
    assertThat(withCosts(1_000_000L, 1_010_001L).reportedCostDisagrees()).isTrue();
    assertThat(withCosts(1_000_000L, 989_999L).reportedCostDisagrees()).isTrue();
    assertThat(withCosts(10_000L, 11_000L).reportedCostDisagrees()).isFalse(); // 10%, but 1 micro-USD
    assertThat(withCosts(10_000L, 11_001L).reportedCostDisagrees()).isTrue();
    assertThat(withCosts(0L, 1_001L).reportedCostDisagrees()).isTrue();
    assertThat(withCosts(null, 5_000_000L).reportedCostDisagrees()).isFalse();
    assertThat(withCosts(5_000_000L, null).reportedCostDisagrees()).isFalse();
  }

  private static CostRecord withCosts(Long cost, Long reported) {
    CostRecord r = price("{\"event_type\":\"usage\",\"request_id\":\"d1\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":1}}");
    return new CostRecord(r.requestId(), r.timestamp(), r.provider(), r.model(), r.modelKey(), r.userId(),
        r.sessionId(), r.sessionName(), r.sessionPath(), r.properties(), r.status(), r.streamed(), r.cacheHit(),
        r.usage(), r.usageSource(), r.pricingStatus(), cost, r.costBreakdown(), 0, r.errors(), 0, reported);
  }

  @Test
  void recordJsonCarriesTheReportedCost() {
    CostRecord r = price("{\"event_type\":\"usage\",\"request_id\":\"j1\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"timestamp\":\"2026-06-01T12:00:00Z\",\"usage\":{\"input_tokens\":1000},\"reported_cost_usd\":\"0.0025\"}");
    JsonNode json = CostRecordJson.toTree(r);
    assertThat(json.get("reported_cost_nano_usd").asLong()).isEqualTo(2_500_000L);
    assertThat(CostRecordJson.read(CostRecordJson.write(r))).isEqualTo(r);
    CostRecord none = price("{\"event_type\":\"usage\",\"request_id\":\"j2\",\"provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"timestamp\":\"2026-06-01T12:00:00Z\",\"usage\":{\"input_tokens\":1}}");
    assertThat(CostRecordJson.toTree(none).get("reported_cost_nano_usd").isNull()).isTrue();
    assertThat(CostRecordJson.read(CostRecordJson.write(none)).reportedCostNanoUsd()).isNull();
  }
}
