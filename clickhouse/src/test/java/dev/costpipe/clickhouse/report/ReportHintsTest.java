package dev.costpipe.clickhouse.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.report.ReportHints.ModelRates;
import dev.costpipe.clickhouse.report.ReportHints.Repeats;
import dev.costpipe.clickhouse.report.WeeklyReport.Totals;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hints' thresholds, at their edges. */
class ReportHintsTest {

    private static Totals totals(long cost, long nonProductionCost) {
        return new Totals(100, 100, cost, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, nonProductionCost);
    }

    private static final ModelRates EXPENSIVE = new ModelRates("big", 3, 3_000_000, 300, 300, 1_000_000, 2_000_000);
    private static final ModelRates CHEAP = new ModelRates("small", 3, 30_000, 300, 300, 10_000, 20_000);

    @Test
    void shortPromptHintNeedsTwoModelsWithEnoughCallsAndASaving() {
        assertThat(ReportHints.shortPromptHint(totals(10_000_000, 0), List.of(EXPENSIVE, CHEAP)))
                .hasValueSatisfying(h -> assertThat(h.savingNanoUsd()).isEqualTo(3_000_000 - 30_000));
        ModelRates twoCalls = new ModelRates("small", 2, 20_000, 200, 200, 6_000, 14_000);
        assertThat(ReportHints.shortPromptHint(totals(10_000_000, 0), List.of(EXPENSIVE, twoCalls))).isEmpty();
        assertThat(ReportHints.shortPromptHint(totals(10_000_000, 0), List.of(EXPENSIVE))).isEmpty();
        // The cheaper-per-call model has no output tokens to derive an output rate from.
        ModelRates noOutput = new ModelRates("embed", 3, 3_000, 300, 0, 3_000, 0);
        assertThat(ReportHints.shortPromptHint(totals(10_000_000, 0), List.of(EXPENSIVE, noOutput))).isEmpty();
        // Costs per call equal: nothing to save.
        assertThat(ReportHints.shortPromptHint(totals(10_000_000, 0), List.of(EXPENSIVE,
                new ModelRates("same", 3, 3_000_000, 300, 300, 1_000_000, 2_000_000)))).isEmpty();
    }

    @Test
    void effectiveRatesKeepFeesThatAreNotTokens() {
        // 1,000,000 of "big"'s cost is a web-search fee: kept as is at the cheap model's rates.
        ModelRates withFees = new ModelRates("big", 3, 4_000_000, 300, 300, 1_000_000, 2_000_000);
        assertThat(CHEAP.priceOf(withFees)).hasValue(1_000_000L + 10_000 + 20_000);
        assertThat(ModelRates.ratePerMillion(10_000, 300)).isEqualTo("$0.03333"); // 33.33… nano-USD per token, four significant digits
    }

    @Test
    void repeatsHintNeedsThreeRepeatedCalls() {
        assertThat(ReportHints.repeatsHint(totals(10_000_000, 0), new Repeats(1, 2, 500_000))).isEmpty();
        assertThat(ReportHints.repeatsHint(totals(10_000_000, 0), new Repeats(1, 3, 0))).isEmpty();
        assertThat(ReportHints.repeatsHint(totals(10_000_000, 0), new Repeats(2, 3, 500_000)))
                .hasValueSatisfying(h -> assertThat(h.text()).startsWith("3 calls repeated").contains("2 groups"));
    }

    @Test
    void nonProductionHintFromFivePercent() {
        assertThat(ReportHints.nonProductionHint(totals(1_000_000, 49_499))).isEmpty(); // 4.9%
        assertThat(ReportHints.nonProductionHint(totals(1_000_000, 50_000))).isPresent(); // 5.0%
        assertThat(ReportHints.nonProductionHint(totals(0, 0))).isEmpty();
    }
}
