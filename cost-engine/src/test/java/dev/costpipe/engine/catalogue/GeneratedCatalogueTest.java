package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.testing.SharedData;
import dev.costpipe.engine.usage.ProviderFixturesTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated part of the built-in catalogue against the upstream files it is built from: it is up
 * to date, and every upstream model in scope resolves to a price (the curated one where there is one).
 */
class GeneratedCatalogueTest {
  private static final String LITELLM = "litellm_model_prices_2026-08-01.json";
  private static final String GENAI_PRICES = "genai_prices_data_2026-08-21.json";
  private static final Path CATALOGUE = Path.of("src/main/resources/catalogue");

  private static CatalogueBuilder.Result build;
  private static PricingRegistry registry;

  @BeforeAll
  static void buildFromTheSharedFiles() throws IOException {
    List<Path> curated;
    try (Stream<Path> files = Files.list(CATALOGUE)) {
      curated = files.filter(p -> p.toString().endsWith(".yml"))
          .filter(p -> !p.toString().endsWith(GeneratedCatalogueFiles.SUFFIX)).sorted().toList();
    }
    build = CatalogueBuilder.build(
        new CatalogueBuilder.Upstream(SharedData.file(LITELLM), LocalDate.parse("2026-08-01")),
        new CatalogueBuilder.Upstream(SharedData.file(GENAI_PRICES), LocalDate.parse("2026-08-21")),
        CatalogueLoader.load(curated));
    registry = PricingRegistry.of(CatalogueLoader.builtIn().entries());
  }

  @Test
  void theCommittedGeneratedFilesAreWhatTheBuilderMakesOfTheSharedFiles() throws IOException {
    Map<String, String> files = GeneratedCatalogueFiles.render(build,
        "costpipe pricing build-catalogue --litellm " + LITELLM + " --genai-prices " + GENAI_PRICES);
    List<String> stale = new ArrayList<>();
    for (var f : files.entrySet()) {
      Path committed = CATALOGUE.resolve(f.getKey());
      if (!Files.exists(committed) || !Files.readString(committed, StandardCharsets.UTF_8).equals(f.getValue())) {
        stale.add(f.getKey());
      }
    }
    try (Stream<Path> list = Files.list(CATALOGUE)) {
      list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(GeneratedCatalogueFiles.SUFFIX))
          .filter(n -> !files.containsKey(n)).forEach(stale::add);
    }
    assertThat(stale).as("out of date: run deploy/costpipe pricing build-catalogue --litellm ../shared/data/"
        + LITELLM + " --genai-prices ../shared/data/" + GENAI_PRICES).isEmpty();
    System.out.println(GeneratedCatalogueFiles.summary(build));
  }

  @Test
  void everyLiteLlmModelInScopeResolvesOnItsProvider() throws IOException {
    JsonNode litellm = Json.MAPPER.readTree(SharedData.file(LITELLM).toFile());
    int checked = 0;
    List<String> unresolved = new ArrayList<>();
    for (PricingEntry e : build.litellm().entries()) {
      if (!CatalogueBuilder.MODES.contains(litellm.path(e.name()).path("mode").asText())) {
        continue;
      }
      Endpoint ep = e.endpoints().get(0);
      String provider = ep.provider().replace('_', '-');
      checked++;
      Optional<PriceMatch> m = registry.resolve(provider, ep.ids().get(0), ep.deployment());
      if (m.isEmpty() || !m.get().endpoint().provider().equals(provider)) {
        unresolved.add(provider + "/" + ep.ids().get(0));
      }
    }
    assertThat(checked).isGreaterThan(2300);
    // only what the builder left out as unsound (per-token rates above $1000/Mtok, ids costpipe cannot list)
    int unsound = build.dropped().entrySet().stream().filter(d -> !d.getKey().equals(CatalogueBuilder.CURATED))
        .mapToInt(Map.Entry::getValue).sum();
    assertThat(unresolved).as(unresolved.toString()).hasSizeLessThanOrEqualTo(unsound);
  }

  @Test
  void everyGenAiPricesModelResolvesOnItsProviderByItsId() {
    GenAiPricesImporter.Bundle bundle = GenAiPricesImporter.read(SharedData.file(GENAI_PRICES));
    List<String> unresolved = new ArrayList<>();
    int checked = 0;
    for (GenAiPricesImporter.Model m : bundle.models()) {
      if (m.entry() == null) {
        continue;
      }
      checked++;
      String provider = m.provider().id();
      Optional<PriceMatch> found = registry.resolve(provider, m.id(), null);
      if (found.isEmpty() || !found.get().endpoint().provider().equals(provider)) {
        unresolved.add(provider + "/" + m.id());
      }
    }
    assertThat(checked).isEqualTo(1298);
    int unsound = build.dropped().entrySet().stream().filter(d -> !d.getKey().equals(CatalogueBuilder.CURATED))
        .mapToInt(Map.Entry::getValue).sum();
    assertThat(unresolved).as(unresolved.toString()).hasSizeLessThanOrEqualTo(unsound);
  }

  @Test
  void genAiPricesWinsWhereItHasTheModelAndCuratedEntriesWinOverBoth() {
    // gpt-4o: curated (openai.yml), though both upstreams list it
    assertThat(registry.resolve("openai", "gpt-4o", null).orElseThrow().endpoint().source())
        .startsWith("https://platform.openai.com/");
    // gemini-3.6-flash: not curated; genai-prices dates the end of its introductory price (2027-01-01)
    Endpoint flash = registry.resolve("google", "gemini-3.6-flash", null).orElseThrow().endpoint();
    assertThat(flash.source()).isEqualTo(GenAiPricesImporter.SOURCE);
    assertThat(flash.checked()).isEqualTo("2026-08-21");
    assertThat(flash.periodAt(java.time.Instant.parse("2026-12-31T23:59:59Z")).rates().input())
        .isEqualByComparingTo("0.00000075");
    assertThat(flash.periodAt(java.time.Instant.parse("2027-01-01T00:00:00Z")).rates().input())
        .isEqualByComparingTo("0.0000015");
    // gpt-5.6-luna: a flagship lead both upstreams confirm, curated (confidence: secondary) over both
    Endpoint luna = registry.resolve("openai", "gpt-5.6-luna", null).orElseThrow().endpoint();
    assertThat(luna.checked()).isEqualTo("2026-12-06");
    assertThat(luna.periods().get(1).tiers().get(0).aboveInputTokens()).isEqualTo(272_000);
    // a model only LiteLLM prices
    Endpoint liteOnly = build.entries().stream().flatMap(e -> e.endpoints().stream())
        .filter(ep -> ep.source().equals(CatalogueBuilder.LITELLM_SOURCE)).findFirst().orElseThrow();
    assertThat(liteOnly.checked()).isEqualTo("2026-08-01");
    assertThat(registry.resolve(liteOnly.provider(), liteOnly.ids().get(0), liteOnly.deployment()).orElseThrow()
        .endpoint()).isEqualTo(liteOnly);
  }

  @Test
  void aFlexCallToAModelGenAiPricesWinsPaysLiteLlmsFlexRates() throws IOException {
    Endpoint sol = registry.resolve("openai", "gpt-5.6-sol", null).orElseThrow().endpoint();
    assertThat(sol.source()).isEqualTo(GenAiPricesImporter.SOURCE);
    // openai/chat-flex.json (1,200 input of which 1,024 cached, 300 output of which 192 reasoning) sent to
    // gpt-5.6-sol: genai-prices' $5 in / $0.50 cached / $30 out per Mtok, and LiteLLM's flex rates, which
    // agree on that base: $2.50 / $0.25 / $15. Reasoning is billed as output.
    //   176 × 2.50 + 1,024 × 0.25 + (108 + 192) × 15 = 440 + 256 + 4,500 = 5,196 µUSD = $0.005196
    // (at the standard rates: 176 × 5 + 1,024 × 0.50 + 300 × 30 = $0.010392)
    Path flex = Path.of("src/test/resources/fixtures/openai/chat-flex.json");
    ObjectNode fixture = (ObjectNode) Json.MAPPER.readTree(flex.toFile());
    ((ObjectNode) fixture.get("request_body")).put("model", "gpt-5.6-sol");
    ((ObjectNode) fixture.get("response_body")).put("model", "gpt-5.6-sol");
    CostRecord r = ProviderFixturesTestSupport.price(fixture, flex);
    assertThat(r.modelKey()).isEqualTo("openai/gpt-5.6-sol");
    assertThat(r.usage().serviceTier()).isEqualTo("flex");
    assertThat(r.pricingStatus()).isEqualTo(PricingStatus.PRICED);
    assertThat(r.errors()).isEmpty();
    assertThat(r.costNanoUsd()).isEqualTo(5_196_000L);
  }
}
