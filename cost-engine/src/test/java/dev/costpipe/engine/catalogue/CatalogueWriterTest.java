package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.testing.CanonicalPricing;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueWriterTest {
  private static final Function<String, ProviderInfo> BUILT_IN_HEADERS = CatalogueLoader.builtIn().providers()
      .stream().collect(Collectors.toMap(ProviderInfo::id, p -> p))::get;

  @TempDir
  Path dir;

  @Test
  void theBuiltInCatalogueWrittenAndLoadedBackIsTheSamePrices() throws Exception {
    List<PricingEntry> builtIn = CatalogueLoader.builtIn().entries();
    CatalogueWriter.writeDirectory(CatalogueWriter.files(builtIn, BUILT_IN_HEADERS), dir);
    Catalogue loaded = CatalogueLoader.load(dir);

    assertThat(CanonicalPricing.of(loaded.entries())).isEqualTo(CanonicalPricing.of(builtIn));
    assertThat(loaded.providers()).extracting(ProviderInfo::id, ProviderInfo::name, ProviderInfo::pricingUrl,
            p -> p.apiPattern().pattern())
        .containsExactlyInAnyOrderElementsOf(CatalogueLoader.builtIn().providers().stream()
            .map(p -> tuple(p.id(), p.name(), p.pricingUrl(), p.apiPattern().pattern()))
            .toList());
    // writing what was loaded gives the same bytes
    assertThat(CatalogueWriter.files(loaded.entries(), BUILT_IN_HEADERS))
        .isEqualTo(CatalogueWriter.files(builtIn, BUILT_IN_HEADERS));
  }

  @Test
  void oddRatesInstantsAndUnknownProvidersSurviveTheRoundTrip() throws Exception {
    Rates base = new Rates(new BigDecimal("0.000000123456789"), new BigDecimal("0.0000150"), null, null, null,
        null, null, null, new BigDecimal("0.010"), null, new BigDecimal("0.0004"));
    Rates tier = new Rates(new BigDecimal("0.0000002"), null, null, null, null, null, null, null, null, null, null);
    PricingEntry entry = new PricingEntry("acme/rocket-1", "Rocket 1", List.of(
        new Endpoint("acme", null, List.of("rocket-1", "rocket-1-2026-01-01"), null, null, List.of(
            new PricePeriod(Instant.parse("2026-01-01T00:00:00Z"), base, List.of()),
            new PricePeriod(Instant.parse("2026-03-01T12:30:00Z"), base,
                List.of(new PriceTier(128_000, tier))))),
        new Endpoint("acme", "eu-1", List.of("rocket-1"), "https://acme.example/pricing", "2026-11-23", List.of(
            new PricePeriod(Instant.parse("2026-01-01T00:00:00Z"), tier, List.of())))));

    Map<String, String> files = CatalogueWriter.files(List.of(entry), p -> null);
    assertThat(files).containsOnlyKeys("acme.yml");
    assertThat(files.get("acme.yml"))
        .contains("input_mtok: 0.123456789").contains("output_mtok: 15").contains("per_web_search: 0.01")
        .contains("effective_from: 2026-03-01T12:30:00Z").contains("deployment: eu-1");
    CatalogueWriter.writeDirectory(files, dir);
    Catalogue loaded = CatalogueLoader.load(dir.resolve("acme.yml"));
    assertThat(CanonicalPricing.of(loaded.entries())).isEqualTo(CanonicalPricing.of(List.of(entry)));
    assertThat(loaded.providers().get(0).apiPattern().pattern()).isEqualTo(CatalogueWriter.NEVER_MATCHES);
    assertThat(loaded.providers().get(0).apiPattern().matcher("https://api.acme.example/v1").find()).isFalse();
  }

  @Test
  void billingModesAndTheNewRatesSurviveTheRoundTripInBothFormats() throws Exception {
    Rates base = new Rates(new BigDecimal("0.00000125"), new BigDecimal("0.00001"), null, null, null, null,
        new BigDecimal("0.000001"), null, null, null, null, new BigDecimal("0.00003"), new BigDecimal("0.0000001"),
        new BigDecimal("0.025"), new BigDecimal("0.005"));
    Rates flex = new Rates(new BigDecimal("0.000000625"), new BigDecimal("0.000005"), null, null, null, null, null,
        null, null, null, null);
    PricingEntry entry = new PricingEntry("acme/moded-1", "Moded 1", List.of(
        new Endpoint("acme", null, List.of("moded-1"), null, null, List.of(
            new PricePeriod(Instant.parse("2026-01-01T00:00:00Z"), base, List.of(), Map.of(
                "flex", new PriceMode(null, flex), "batch", new PriceMode(new BigDecimal("0.5"), null),
                "geo_us", new PriceMode(new BigDecimal("1.1"), null)))))));

    Map<String, String> files = CatalogueWriter.files(List.of(entry), p -> null);
    assertThat(files.get("acme.yml")).contains("image_output_mtok: 30").contains("cache_read_audio_mtok: 0.1")
        .contains("per_search_source: 0.025").contains("per_server_tool_call: 0.005").contains("multiplier: 0.5");
    CatalogueWriter.writeDirectory(files, dir);
    Catalogue loaded = CatalogueLoader.load(dir.resolve("acme.yml"));
    assertThat(CanonicalPricing.of(loaded.entries())).isEqualTo(CanonicalPricing.of(List.of(entry)));
    // and through the pricing topic's JSON
    PricingEntry fromJson = PricingEntryJson.read(PricingEntryJson.write(entry).getBytes(StandardCharsets.UTF_8));
    assertThat(CanonicalPricing.of(List.of(fromJson))).isEqualTo(CanonicalPricing.of(List.of(entry)));
  }
}
