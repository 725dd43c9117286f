package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.catalogue.PriceSync.Kind;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PriceSyncTest {
  private static final String LITE = CatalogueBuilder.LITELLM_SOURCE;
  private static final String GENAI = GenAiPricesImporter.SOURCE;
  private static final Instant SYNC = Instant.parse("2026-12-06T10:00:00Z");
  private static final PriceSync.Options DEFAULTS =
      new PriceSync.Options(new BigDecimal("0.5"), Set.of(), false, SYNC);

  private static PricePeriod period(Instant from, String input, String output) {
    return new PricePeriod(from, new Rates(new BigDecimal(input), new BigDecimal(output), null, null, null, null,
        null, null, null, null, null), List.of());
  }

  private static PricingEntry entry(String key, String source, PricePeriod... periods) {
    return new PricingEntry(key, key, List.of(new Endpoint("acme", null, List.of(key.substring(5)), source,
        "2026-08-01", List.of(periods))));
  }

  private static PriceSync.Result decide(List<PricingEntry> current, List<PricingEntry> upstream,
      PriceSync.Options options) {
    return PriceSync.decide(current, upstream, Set.of(LITE, GENAI), options);
  }

  @Test
  void aNewModelIsAddedAndAnUnchangedOneIsNotPublished() {
    PricingEntry held = entry("acme/rocket", LITE, period(Instant.EPOCH, "1E-6", "4E-6"));
    PricingEntry same = entry("acme/rocket", LITE, period(Instant.EPOCH, "0.0000010", "0.000004"));
    PricingEntry fresh = entry("acme/comet", LITE, period(Instant.EPOCH, "2E-6", "8E-6"));

    PriceSync.Result r = decide(List.of(held), List.of(same, fresh), DEFAULTS);

    assertThat(r.toPublish()).containsExactly(fresh);
    assertThat(r.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Kind.ADDED);
      assertThat(c.line()).isEqualTo("added      acme/comet  acme  input 0.000002 output 0.000008");
    });
    assertThat(r.summary()).isEqualTo("1 added, 0 changed, 0 held back, 0 vanished; 1 entries to publish");
  }

  @Test
  void aCutOfTenPercentIsANewPeriodFromTheSyncTimeWithTheHistoryKept() {
    PricePeriod old = period(Instant.EPOCH, "1E-6", "4E-6");
    PriceSync.Result r = decide(List.of(entry("acme/rocket", LITE, old)),
        List.of(entry("acme/rocket", LITE, period(Instant.EPOCH, "9E-7", "4E-6"))), DEFAULTS);

    Endpoint published = r.toPublish().get(0).endpoints().get(0);
    assertThat(published.periods()).hasSize(2);
    assertThat(published.periods().get(0)).isEqualTo(old);
    assertThat(published.periods().get(1).effectiveFrom()).isEqualTo(SYNC);
    assertThat(published.periods().get(1).rates().input()).isEqualByComparingTo("9E-7");
    assertThat(published.checked()).isEqualTo("2026-12-06");
    assertThat(r.changes()).singleElement().satisfies(c -> assertThat(c.line()).isEqualTo(
        "changed    acme/rocket  acme  input 0.000001 → 0.0000009 (-10%) from 2026-12-06T10:00:00Z"));
  }

  @Test
  void aChangeTheUpstreamDatesStartsOnItsOwnDate() {
    Instant cut = Instant.parse("2026-11-01T00:00:00Z");
    PricePeriod old = period(Instant.EPOCH, "1E-6", "4E-6");
    PriceSync.Result r = decide(List.of(entry("acme/rocket", GENAI, old)),
        List.of(entry("acme/rocket", GENAI, old, period(cut, "9E-7", "3.6E-6"))), DEFAULTS);

    List<PricePeriod> periods = r.toPublish().get(0).endpoints().get(0).periods();
    assertThat(periods).extracting(PricePeriod::effectiveFrom).containsExactly(Instant.EPOCH, cut);
    assertThat(r.count(Kind.CHANGED)).isEqualTo(1);
  }

  @Test
  void aCutOfSixtyPercentIsHeldBackUntilAccepted() {
    PricingEntry held = entry("acme/rocket", LITE, period(Instant.EPOCH, "1E-6", "4E-6"));
    List<PricingEntry> cut = List.of(entry("acme/rocket", LITE, period(Instant.EPOCH, "4E-7", "4E-6")));

    PriceSync.Result r = decide(List.of(held), cut, DEFAULTS);
    assertThat(r.toPublish()).isEmpty();
    assertThat(r.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Kind.HELD_BACK);
      assertThat(c.line()).isEqualTo("held back  acme/rocket  acme  input 0.000001 → 0.0000004 (-60%) from "
          + "2026-12-06T10:00:00Z: input moves -60%, more than 50% (--accept acme/rocket to publish)");
    });

    PriceSync.Result accepted = decide(List.of(held), cut,
        new PriceSync.Options(new BigDecimal("0.5"), Set.of("acme/rocket"), false, SYNC));
    assertThat(accepted.toPublish()).hasSize(1);
    assertThat(accepted.changes()).singleElement().satisfies(c -> assertThat(c.kind()).isEqualTo(Kind.CHANGED));

    PriceSync.Result wider = decide(List.of(held), cut, new PriceSync.Options(new BigDecimal("0.7"), Set.of(), false, SYNC));
    assertThat(wider.count(Kind.CHANGED)).isEqualTo(1);
  }

  @Test
  void aCuratedEndpointIsNotOverwrittenUnlessAccepted() {
    PricingEntry curated = entry("acme/rocket", "https://acme.example/pricing", period(Instant.EPOCH, "1E-6", "4E-6"));
    List<PricingEntry> upstream = List.of(entry("acme/rocket", LITE, period(Instant.EPOCH, "9E-7", "4E-6")));

    PriceSync.Result r = decide(List.of(curated), upstream, DEFAULTS);
    assertThat(r.toPublish()).isEmpty();
    assertThat(r.changes()).singleElement().satisfies(c -> assertThat(c.detail())
        .contains("curated entry (source https://acme.example/pricing)"));

    PriceSync.Result all = decide(List.of(curated), upstream, new PriceSync.Options(new BigDecimal("0.5"), Set.of(), true, SYNC));
    Endpoint published = all.toPublish().get(0).endpoints().get(0);
    assertThat(published.source()).isEqualTo("https://acme.example/pricing");
    assertThat(published.periods()).hasSize(2);
  }

  @Test
  void aVanishedModelIsReportedAndNothingIsDeleted() {
    PricingEntry gone = entry("acme/old", LITE, period(Instant.EPOCH, "1E-6", "4E-6"));
    PricingEntry curated = entry("acme/own", "https://acme.example/pricing", period(Instant.EPOCH, "1E-6", "4E-6"));
    PricingEntry otherUpstream = entry("acme/dated", GENAI, period(Instant.EPOCH, "1E-6", "4E-6"));

    PriceSync.Result r = PriceSync.decide(List.of(gone, curated, otherUpstream), List.of(), Set.of(LITE), DEFAULTS);
    assertThat(r.toPublish()).isEmpty();
    assertThat(r.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Kind.VANISHED);
      assertThat(c.line()).isEqualTo("vanished   acme/old  acme  no longer upstream: held back, its prices stay "
          + "(--accept acme/old to acknowledge)");
    });
    PriceSync.Result accepted = PriceSync.decide(List.of(gone), List.of(), Set.of(LITE),
        new PriceSync.Options(new BigDecimal("0.5"), Set.of("acme/old"), false, SYNC));
    assertThat(accepted.toPublish()).isEmpty();
    assertThat(accepted.changes().get(0).detail()).startsWith("no longer upstream: accepted");
  }

  @Test
  void anEndpointOfTheUpstreamNotFetchedIsLeftAlone() {
    PricingEntry held = entry("acme/rocket", GENAI, period(Instant.EPOCH, "1E-6", "4E-6"));
    PriceSync.Result r = PriceSync.decide(List.of(held),
        List.of(entry("acme/rocket", LITE, period(Instant.EPOCH, "2E-6", "4E-6"))), Set.of(LITE), DEFAULTS);
    assertThat(r.changes()).isEmpty();
    assertThat(r.toPublish()).isEmpty();
  }

  @Test
  void theCuratedPartIsWhatNeitherUpstreamPriced() {
    PricingEntry mixed = new PricingEntry("acme/rocket", "Rocket", List.of(
        new Endpoint("acme", null, List.of("rocket"), "https://acme.example/pricing", "2026-08-01",
            List.of(period(Instant.EPOCH, "1E-6", "4E-6"))),
        new Endpoint("cloudy", null, List.of("rocket"), LITE, "2026-08-01",
            List.of(period(Instant.EPOCH, "1E-6", "4E-6")))));
    PricingEntry upstreamOnly = entry("acme/comet", GENAI, period(Instant.EPOCH, "1E-6", "4E-6"));

    Catalogue curated = PriceSync.curated(List.of(mixed, upstreamOnly));
    assertThat(curated.entries()).singleElement().satisfies(e -> {
      assertThat(e.modelKey()).isEqualTo("acme/rocket");
      assertThat(e.endpoints()).extracting(Endpoint::provider).containsExactly("acme");
    });
  }
}
