package dev.costpipe.engine.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PricingRegistryTest {

  private static Endpoint endpoint(String provider, String deployment, String input, String... ids) {
    Rates r = new Rates(new BigDecimal(input).movePointLeft(6), BigDecimal.ONE.movePointLeft(6), null, null, null,
        null, null, null, null, null, null);
    return new Endpoint(provider, deployment, List.of(ids), null, null,
        List.of(new PricePeriod(Instant.EPOCH, r, List.of())));
  }

  private final PricingRegistry registry = PricingRegistry.of(List.of(
      new PricingEntry("openai/gpt-4o", "GPT-4o", List.of(endpoint("openai", null, "2.5", "gpt-4o", "gpt-4o-2024-08-06"))),
      new PricingEntry("openai/gpt-4o-2024-05-13", "GPT-4o (May)", List.of(endpoint("openai", null, "5", "gpt-4o-2024-05-13"))),
      new PricingEntry("anthropic/claude-3-5-haiku", "Claude 3.5 Haiku", List.of(
          endpoint("anthropic", null, "0.8", "claude-3-5-haiku-20241022", "claude-3-5-haiku-latest"),
          endpoint("bedrock", null, "0.8", "anthropic.claude-3-5-haiku-20241022-v1:0"),
          endpoint("bedrock", "us-west-2", "1", "anthropic.claude-3-5-haiku-20241022-v1:0"),
          endpoint("vertex", null, "0.8", "claude-3-5-haiku@20241022"))),
      new PricingEntry("google/gemini-2.5-pro", "Gemini 2.5 Pro", List.of(endpoint("google", null, "1.25", "gemini-2.5-pro"))),
      new PricingEntry("meta/llama-3.3-70b-instruct", "Llama 3.3 70B", List.of(
          endpoint("groq", null, "0.59", "llama-3.3-70b-versatile"),
          endpoint("together", null, "0.88", "meta-llama/llama-3.3-70b-instruct-turbo")))));

  private String key(String provider, String model, String deployment) {
    return registry.resolve(provider, model, deployment).map(PriceMatch::modelKey).orElse(null);
  }

  @Test
  void exactIdsWinOverAliases() {
    assertThat(key("openai", "gpt-4o", null)).isEqualTo("openai/gpt-4o");
    assertThat(key("openai", "gpt-4o-2024-05-13", null)).isEqualTo("openai/gpt-4o-2024-05-13");
    assertThat(key("openai", "GPT-4o-2024-08-06", null)).isEqualTo("openai/gpt-4o");
  }

  @Test
  void datedSnapshotFallsBackToAliasOnlyWithoutExactEntry() {
    assertThat(key("openai", "gpt-4o-2024-11-20", null)).isEqualTo("openai/gpt-4o");
  }

  @Test
  void providerSpecificIds() {
    assertThat(key("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", null)).isEqualTo("anthropic/claude-3-5-haiku");
    assertThat(key("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", null)).isEqualTo("anthropic/claude-3-5-haiku");
    assertThat(key("vertex", "claude-3-5-haiku@20241022", null)).isEqualTo("anthropic/claude-3-5-haiku");
    assertThat(key("google", "models/gemini-2.5-pro", null)).isEqualTo("google/gemini-2.5-pro");
    assertThat(key("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", null)).isEqualTo("meta/llama-3.3-70b-instruct");
  }

  @Test
  void deploymentPricesWinWhereListed() {
    var west = registry.resolve("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "us-west-2").orElseThrow();
    assertThat(west.endpoint().deployment()).isEqualTo("us-west-2");
    var east = registry.resolve("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-1").orElseThrow();
    assertThat(east.endpoint().deployment()).isNull();
  }

  @Test
  void providerWithoutEndpointUsesFirstPartyPriceOnly() {
    assertThat(registry.resolve("azure", "gpt-4o", null).orElseThrow().endpoint().provider()).isEqualTo("openai");
    assertThat(key(null, "claude-3-5-haiku-latest", null)).isEqualTo("anthropic/claude-3-5-haiku");
    // no first-party endpoint for Llama: a third provider is not priced at Groq's or Together's list
    assertThat(key("fireworks", "llama-3.3-70b-versatile", null)).isNull();
  }

  @Test
  void matchedIdSaysWhichListedIdAnAliasResolvedTo() {
    assertThat(matched("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0"))
        .isEqualTo("anthropic.claude-3-5-haiku-20241022-v1:0");
    // this registry's Bedrock lists no us. profile: the stripped id is priced at Anthropic's list
    assertThat(matched("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0")).isEqualTo("claude-3-5-haiku-20241022");
    assertThat(matched("vertex", "claude-3-5-haiku@20241022")).isEqualTo("claude-3-5-haiku@20241022");
    assertThat(matched("openai", "GPT-4o")).isEqualTo("gpt-4o");
    assertThat(matched(null, "openai/gpt-4o")).isEqualTo("openai/gpt-4o");
    PriceMatch groq = registry.resolve("groq", "llama-3.3-70b-versatile", null).orElseThrow();
    assertThat(PricingRegistry.matchedId(groq, "gpt-4o")).isNull();
  }

  private String matched(String provider, String model) {
    return PricingRegistry.matchedId(registry.resolve(provider, model, null).orElseThrow(), model);
  }

  @Test
  void unknownModelsDoNotResolve() {
    assertThat(key("openai", "gpt-99", null)).isNull();
    assertThat(key("openai", "x' OR 1=1 --", null)).isNull();
    assertThat(key("openai", "", null)).isNull();
  }

  @Test
  void changesBuildNewSnapshots() {
    PricingRegistry smaller = registry.without("openai/gpt-4o");
    assertThat(smaller.resolve("openai", "gpt-4o", null)).isEmpty();
    assertThat(registry.resolve("openai", "gpt-4o", null)).isPresent();
    assertThat(smaller.with(registry.entries().iterator().next()).resolve("openai", "gpt-4o", null)).isPresent();
  }
}
