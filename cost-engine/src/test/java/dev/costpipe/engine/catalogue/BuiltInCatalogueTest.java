package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.provider.ProviderDetector;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.ProviderFixturesTestSupport;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BuiltInCatalogueTest {
  /** The providers with curated files, in index.txt's order: their URL patterns are tried first. */
  private static final List<String> PROVIDERS = List.of("openai", "azure", "anthropic", "google", "vertex", "bedrock",
      "deepseek", "groq", "xai", "mistral", "together", "fireworks", "openrouter");
  private final Catalogue catalogue = CatalogueLoader.builtIn();

  @Test
  void coversAtLeast150ModelsAcrossTheNamedProviders() {
    long endpoints = catalogue.entries().stream().mapToLong(e -> e.endpoints().size()).sum();
    assertThat(endpoints).isGreaterThanOrEqualTo(150);
    Set<String> providers = new HashSet<>();
    catalogue.entries().forEach(e -> e.endpoints().forEach(ep -> providers.add(ep.provider())));
    assertThat(providers).containsAll(Set.of("openai", "anthropic", "google", "bedrock", "deepseek", "groq", "xai",
        "mistral", "together", "fireworks"));
    // then the providers only the generated files know (perplexity, cerebras, moonshot, …), each once
    assertThat(catalogue.providers()).extracting(ProviderInfo::id).startsWith(PROVIDERS.toArray(String[]::new))
        .doesNotHaveDuplicates().contains("perplexity", "cerebras", "moonshot");
  }

  @Test
  void everyEndpointSaysWhereItsPricesCameFromAndWhen() {
    for (PricingEntry e : catalogue.entries()) {
      assertThat(e.modelKey()).matches("[a-z0-9.-]+/[a-z0-9._:-]+");
      for (Endpoint ep : e.endpoints()) {
        assertThat(ep.source()).as(e.modelKey() + "@" + ep.provider()).startsWith("https://");
        assertThat(ep.checked()).as(e.modelKey() + "@" + ep.provider()).matches("\\d{4}-\\d{2}-\\d{2}");
      }
    }
  }

  @Test
  void ratesAreSaneAndIdsAreUniquePerProvider() {
    Map<String, String> seen = new HashMap<>();
    for (PricingEntry e : catalogue.entries()) {
      for (Endpoint ep : e.endpoints()) {
        for (String id : ep.ids()) {
          assertThat(id).isEqualTo(id.toLowerCase());
          String key = ep.provider() + "/" + ep.deployment() + "/" + id;
          String before = seen.put(key, e.modelKey());
          assertThat(before).as("id " + key + " listed under two models").isNull();
        }
        for (PricePeriod p : ep.periods()) {
          check(e.modelKey(), p.rates());
          for (PriceTier t : p.tiers()) {
            assertThat(t.aboveInputTokens()).isPositive();
            check(e.modelKey(), t.rates().over(p.rates()));
          }
        }
      }
    }
  }

  private static void check(String model, Rates r) {
    Rates f = r.withFallbacks();
    for (BigDecimal v : List.of(f.input(), f.output(), f.cacheRead(), f.cacheWrite(), f.cacheWrite1h(), f.reasoning(),
        f.audioInput(), f.audioOutput(), f.perWebSearch(), f.perImage(), f.perRequest())) {
      assertThat(v.signum()).as(model).isGreaterThanOrEqualTo(0);
    }
    // per-token rates are below $1 per token: a $/Mtok number written without the _mtok scaling would be caught
    assertThat(f.input()).as(model).isLessThan(BigDecimal.ONE.movePointLeft(3));
    assertThat(f.cacheRead()).as(model).isLessThanOrEqualTo(f.input());
  }

  @Test
  void everyProviderPatternDetectsItsOwnUrls() {
    ProviderDetector d = new ProviderDetector(catalogue.providers());
    Map<String, String> urls = Map.ofEntries(
        Map.entry("https://api.openai.com/v1/chat/completions", "openai"),
        Map.entry("https://myco.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21", "azure"),
        Map.entry("https://api.anthropic.com/v1/messages", "anthropic"),
        Map.entry("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent", "google"),
        Map.entry("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict", "vertex"),
        Map.entry("https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse", "bedrock"),
        Map.entry("https://api.deepseek.com/chat/completions", "deepseek"),
        Map.entry("https://api.groq.com/openai/v1/chat/completions", "groq"),
        Map.entry("https://api.x.ai/v1/chat/completions", "xai"),
        Map.entry("https://openrouter.ai/api/v1/chat/completions", "openrouter"),
        Map.entry("https://api.mistral.ai/v1/chat/completions", "mistral"),
        Map.entry("https://api.together.xyz/v1/chat/completions", "together"),
        Map.entry("https://api.fireworks.ai/inference/v1/chat/completions", "fireworks"));
    urls.forEach((url, provider) -> assertThat(d.detect(url)).as(url).contains(provider));
    assertThat(d.detect("https://example.com/v1/chat/completions")).isEmpty();
  }

  @Test
  void everyProviderFixtureIsPricedByTheCatalogue() throws IOException {
    PricingRegistry registry = PricingRegistry.of(catalogue.entries());
    assertThat(registry.size()).isEqualTo(catalogue.entries().size());
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/fixtures"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonNode fixture = Json.MAPPER.readTree(f.toFile());
        var record = ProviderFixturesTestSupport.price(fixture, f);
        assertThat(record.pricingStatus()).as(f + " " + record.errors())
            .isIn(PricingStatus.PRICED, PricingStatus.PROVIDER_REPORTED);
      }
    }
  }
}
