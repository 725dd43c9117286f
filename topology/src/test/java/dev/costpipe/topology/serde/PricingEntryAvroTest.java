package dev.costpipe.topology.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.contracts.avro.AvroJson;
import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.pricing.TimeOfDayPrice;
import dev.costpipe.engine.testing.CanonicalPricing;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A pricing entry with every pricing rule keeps them through the Avro form of {@code llm.pricing}. */
class PricingEntryAvroTest {
  @Test
  void everyPricingRuleSurvivesAvro() {
    Rates base = new Rates(new BigDecimal("0.00000027"), new BigDecimal("0.0000011"), new BigDecimal("0.00000007"),
        null, null, null, null, null, null, null, null);
    Rates offPeak = new Rates(new BigDecimal("0.000000135"), null, null, null, null, null, null, null, null, null,
        null);
    PricingEntry entry = new PricingEntry("deepseek/deepseek-chat", "DeepSeek Chat", List.of(
        new Endpoint("deepseek", null, List.of("deepseek-chat"), "https://api-docs.deepseek.com", "2026-08-21",
            List.of(new PricePeriod(Instant.parse("2025-01-01T00:00:00Z"), base, List.of()),
                new PricePeriod(Instant.parse("2025-02-26T00:00:00Z"), Instant.parse("2025-09-05T16:00:00Z"), base,
                    List.of(new PriceTier(200_000, true, base), new PriceTier(100_000, base)),
                    Map.of("batch", new PriceMode(new BigDecimal("0.5"), null)),
                    List.of(new TimeOfDayPrice(LocalTime.of(16, 30), LocalTime.of(0, 30),
                            Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), new PriceMode(null, offPeak)),
                        new TimeOfDayPrice(LocalTime.of(16, 30), LocalTime.of(0, 30), Set.of(),
                            new PriceMode(new BigDecimal("0.5"), null))))))));

    var record = AvroJson.toRecord(PricingEntryJson.toTree(entry),
        dev.costpipe.schemas.avro.PricingEntry.getClassSchema());
    PricingEntry back = PricingEntryJson.fromTree(AvroJson.toJson(record));

    assertThat(CanonicalPricing.of(List.of(back))).isEqualTo(CanonicalPricing.of(List.of(entry)));
  }
}
