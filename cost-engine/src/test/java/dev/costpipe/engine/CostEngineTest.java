package dev.costpipe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.merge.MergedRequest;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.UsageSource;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pricing rules end to end, on a small registry so that every number is visible here. */
class CostEngineTest {
  private static final Rates GPT4O = new Rates(new BigDecimal("0.0000025"), new BigDecimal("0.00001"),
      new BigDecimal("0.00000125"), null, null, null, null, null, null, null, null);
  private static final CostEngine ENGINE = CostEngine.withPrices(PricingRegistry.of(List.of(
      new PricingEntry("openai/gpt-4o", "GPT-4o", List.of(new Endpoint("openai", null, List.of("gpt-4o"), null, null,
          List.of(new PricePeriod(Instant.EPOCH, GPT4O, List.of()))))))));

  private static CostRecord price(String... events) {
    PartialRequest p = null;
    for (String json : events) {
      var e = RawEventParser.parse(json);
      ENGINE.validate(e);
      if (p == null) {
        p = new PartialRequest(e.requestId());
      }
      p.add(e);
    }
    MergedRequest m = p.toMerged();
    return ENGINE.price(m, Instant.parse("2026-01-01T00:00:00Z"));
  }

  private static String response(String extra, String usage) {
    return "{\"request_id\":\"r1\",\"event_type\":\"response\",\"provider\":\"openai\",\"status\":200,"
        + "\"timestamp\":\"2026-03-01T10:00:00Z\",\"request_body\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]},"
        + extra + "\"response_body\":{\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"message\":{\"content\":\"hello\"}}]"
        + (usage == null ? "" : ",\"usage\":" + usage) + "}}";
  }

  @Test
  void pricedRequestCarriesEveryField() {
    CostRecord r = price(response("\"headers\":{\"Helicone-User-Id\":\"u1\",\"Helicone-Property-Env\":\"prod\"},",
        "{\"prompt_tokens\":2000,\"completion_tokens\":100,\"prompt_tokens_details\":{\"cached_tokens\":1000}}"));
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.PRICED);
    assertThat(r.usageSource()).isEqualTo(UsageSource.PROVIDER);
    assertThat(r.modelKey()).isEqualTo("openai/gpt-4o");
    assertThat(r.model()).isEqualTo("gpt-4o");
    // 1000 × 2.5 + 1000 × 1.25 + 100 × 10 nano... per token ×1e-6 USD: 2500+1250+1000 = 4750 × 1e3 nano
    assertThat(r.costNanoUsd()).isEqualTo(4_750_000L);
    assertThat(r.costUsd()).isEqualTo("0.004750000");
    assertThat(r.cacheSavingsNanoUsd()).isEqualTo(1_250_000L);
    assertThat(r.userId()).isEqualTo("u1");
    assertThat(r.properties()).containsEntry("Env", "prod");
    assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(r.errors()).isEmpty();
    assertThat(CostRecordJson.read(CostRecordJson.write(r))).isEqualTo(r);
  }

  @Test
  void cacheHitCostsNothingAndRecordsTheSaving() {
    CostRecord r = price(response("\"cache_hit\":true,", "{\"prompt_tokens\":1000,\"completion_tokens\":100}"));
    assertThat(r.costNanoUsd()).isZero();
    assertThat(r.cacheSavingsNanoUsd()).isEqualTo(3_500_000L);
    assertThat(r.costBreakdown()).isEmpty();
  }

  @Test
  void unknownModelIsFlaggedNeverZero() {
    CostRecord r = price(response("\"model\":\"gpt-99-turbo\",", "{\"prompt_tokens\":10,\"completion_tokens\":1}"));
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.UNKNOWN_MODEL);
    assertThat(r.costNanoUsd()).isNull();
    assertThat(r.costUsd()).isNull();
    assertThat(r.errors()).anyMatch(e -> e.contains("unknown model") && e.contains("gpt-99-turbo"));
  }

  @Test
  void providerReportedCostIsTakenAsIs() {
    CostRecord r = price("{\"request_id\":\"r1\",\"event_type\":\"response\",\"provider\":\"openrouter\","
        + "\"request_body\":{\"model\":\"anthropic/claude-sonnet-4\"},\"response_body\":{\"usage\":"
        + "{\"prompt_tokens\":100,\"completion_tokens\":10,\"cost\":0.016649999999999998}}}");
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.PROVIDER_REPORTED);
    assertThat(r.costNanoUsd()).isEqualTo(16_650_000L);
  }

  @Test
  void missingUsageIsEstimatedWithTheTokenizer() {
    CostRecord r = price(response("", null));
    assertThat(r.usageSource()).isEqualTo(UsageSource.ESTIMATED);
    assertThat(r.usage().inputTokens()).isEqualTo(1 + 3 + 3);
    assertThat(r.usage().outputTokens()).isEqualTo(1);
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.PRICED);
  }

  @Test
  void failedCallWithoutUsageHasNoUsage() {
    CostRecord r = price("{\"request_id\":\"r1\",\"event_type\":\"response\",\"provider\":\"openai\",\"status\":429,"
        + "\"request_body\":{\"model\":\"gpt-4o\"},\"response_body\":{\"error\":{\"message\":\"Rate limit\"}}}");
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.NO_USAGE);
    assertThat(r.usageSource()).isEqualTo(UsageSource.NONE);
    assertThat(r.costNanoUsd()).isNull();
  }

  @Test
  void incompleteRequestsSayIt() {
    CostRecord r = price("{\"request_id\":\"r1\",\"event_type\":\"request\",\"provider\":\"openai\","
        + "\"request_body\":{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}");
    assertThat(r.errors()).contains(CostEngine.INCOMPLETE);
    assertThat(r.streamed()).isTrue();
  }

  @Test
  void bodiesThatAreNotWhatTheProviderReturnsAreRefused() {
    for (String usage : List.of("{\"prompt_tokens\":-5}", "{\"prompt_tokens\":\"ten\"}",
        "{\"prompt_tokens\":1e15}", "{\"prompt_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":20}}",
        "{\"prompt_tokens\":1.5}", "[]")) {
      var e = RawEventParser.parse(response("", usage));
      assertThatThrownBy(() -> ENGINE.validate(e)).as(usage)
          .isInstanceOfSatisfying(BadEventException.class, x -> assertThat(x.reason()).isEqualTo("invalid_usage"));
    }
  }
}
