package dev.costpipe.clickhouse.report;

import dev.costpipe.clickhouse.report.WeeklyReport.Hint;
import dev.costpipe.clickhouse.report.WeeklyReport.HintKind;
import dev.costpipe.clickhouse.report.WeeklyReport.Totals;
import dev.costpipe.clickhouse.report.WeeklyReport.Unpriced;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Optimisation hints from a week's numbers. Each hint appears only when the data supports it (thresholds
 * below); amounts are exact nano-USD, estimates are rounded half-even to the nano.
 */
final class ReportHints {

    /** A "short prompt" has fewer input tokens than this. */
    static final int SHORT_PROMPT_TOKENS = 500;
    /** Both models compared for short prompts need at least this many such calls. */
    static final int SHORT_PROMPT_MIN_CALLS = 3;
    /** Repeats shorter than this many input tokens are too likely to be coincidences. */
    static final int REPEAT_MIN_INPUT_TOKENS = 100;
    /** The repeated-prompts hint needs at least this many repeated calls. */
    static final int REPEAT_MIN_CALLS = 3;
    /** The non-production hint needs at least this share of the week's spend, in percent. */
    static final BigDecimal NON_PRODUCTION_MIN_PERCENT = BigDecimal.valueOf(5);

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private ReportHints() {}

    /**
     * One model's short-prompt calls: tokens and costs, the input side ({@code input}, {@code cache_*},
     * {@code audio_input}) and output side ({@code output}, {@code reasoning}, {@code audio_output}) of the
     * cost breakdown, whose ratio to the tokens is the model's effective rate.
     */
    record ModelRates(String model, long calls, long costNanoUsd, long inputTokens, long outputTokens,
                      long inputCostNanoUsd, long outputCostNanoUsd) {

        long averageNanoUsd() {
            return Usd.divide(costNanoUsd, calls);
        }

        /** Web search, images, per-request fees: what a cheaper model's token rates do not change. */
        long otherCostNanoUsd() {
            return costNanoUsd - inputCostNanoUsd - outputCostNanoUsd;
        }

        /** What {@code other}'s tokens would cost at this model's effective rates; empty if unknown. */
        Optional<Long> priceOf(ModelRates other) {
            BigDecimal cost = BigDecimal.valueOf(other.otherCostNanoUsd());
            if (other.inputTokens > 0) {
                if (inputTokens == 0) {
                    return Optional.empty();
                }
                cost = cost.add(BigDecimal.valueOf(other.inputTokens).multiply(BigDecimal.valueOf(inputCostNanoUsd))
                        .divide(BigDecimal.valueOf(inputTokens), 12, RoundingMode.HALF_EVEN));
            }
            if (other.outputTokens > 0) {
                if (outputTokens == 0) {
                    return Optional.empty();
                }
                cost = cost.add(BigDecimal.valueOf(other.outputTokens).multiply(BigDecimal.valueOf(outputCostNanoUsd))
                        .divide(BigDecimal.valueOf(outputTokens), 12, RoundingMode.HALF_EVEN));
            }
            return Optional.of(cost.setScale(0, RoundingMode.HALF_EVEN).longValueExact());
        }

        /** USD per million tokens: nano-USD per token / 1000. */
        static String ratePerMillion(long costNanoUsd, long tokens) {
            if (tokens == 0) {
                return "n/a";
            }
            BigDecimal usdPerMillion = BigDecimal.valueOf(costNanoUsd).multiply(MILLION)
                    .divide(BigDecimal.valueOf(tokens), 9, RoundingMode.HALF_EVEN).movePointLeft(9);
            return Usd.format(usdPerMillion);
        }
    }

    /**
     * Likely identical prompts.
     *
     * @param groups (user, model, input tokens) groups with more than one call
     * @param repeatedCalls the calls after the first of each group
     * @param savingNanoUsd the cost of those calls
     */
    record Repeats(long groups, long repeatedCalls, long savingNanoUsd) {
    }

    static List<Hint> compute(Totals total, Unpriced unpriced, List<ModelRates> shortPrompts, Repeats repeats) {
        List<Hint> hints = new ArrayList<>();
        shortPromptHint(total, shortPrompts).ifPresent(hints::add);
        repeatsHint(total, repeats).ifPresent(hints::add);
        nonProductionHint(total).ifPresent(hints::add);
        unknownModelsHint(total, unpriced).ifPresent(hints::add);
        if (total.noUsageRequests() > 0) {
            hints.add(new Hint(HintKind.NO_USAGE, "Requests without usage",
                    Usd.count(total.noUsageRequests()) + " " + plural(total.noUsageRequests(), "request")
                            + " carried no usage (failed calls, or responses without a usage block) and "
                            + (total.noUsageRequests() == 1 ? "has" : "have") + " no cost. If they are not"
                            + " failures, make the provider report usage.", 0));
        }
        if (total.estimatedRequests() > 0) {
            hints.add(new Hint(HintKind.ESTIMATED_USAGE, "Costs from estimated usage",
                    Usd.count(total.estimatedRequests()) + " " + plural(total.estimatedRequests(), "request")
                            + " (" + Usd.format(total.estimatedCostNanoUsd()) + ", "
                            + Usd.percentText(Usd.percent(total.estimatedCostNanoUsd(), total.costNanoUsd()))
                            + " of spend) " + (total.estimatedRequests() == 1 ? "was" : "were")
                            + " priced from estimated token counts because the provider reported none: for"
                            + " OpenAI-compatible streams set stream_options.include_usage=true.", 0));
        }
        return hints;
    }

    /**
     * The model with the highest average cost per short-prompt call against the one with the lowest: what
     * the first's short calls would have cost at the second's effective rates.
     */
    static Optional<Hint> shortPromptHint(Totals total, List<ModelRates> shortPrompts) {
        List<ModelRates> supported = shortPrompts.stream()
                .filter(m -> m.calls() >= SHORT_PROMPT_MIN_CALLS)
                .sorted(Comparator.comparingLong(ModelRates::averageNanoUsd).reversed()
                        .thenComparing(ModelRates::model))
                .toList();
        if (supported.size() < 2) {
            return Optional.empty();
        }
        ModelRates expensive = supported.get(0);
        ModelRates cheap = supported.get(supported.size() - 1);
        if (cheap.averageNanoUsd() >= expensive.averageNanoUsd()) {
            return Optional.empty();
        }
        Optional<Long> atCheapRates = cheap.priceOf(expensive);
        if (atCheapRates.isEmpty()) {
            return Optional.empty();
        }
        long saving = expensive.costNanoUsd() - atCheapRates.get();
        if (saving <= 0) {
            return Optional.empty();
        }
        long shortTotal = shortPrompts.stream().mapToLong(ModelRates::costNanoUsd).sum();
        String text = "Short prompts (< " + SHORT_PROMPT_TOKENS + " input tokens): " + expensive.model() + " took "
                + Usd.percentText(Usd.percent(expensive.costNanoUsd(), shortTotal)) + " of their spend ("
                + Usd.format(expensive.costNanoUsd()) + " for " + Usd.count(expensive.calls()) + " "
                + plural(expensive.calls(), "call") + ", " + Usd.format(expensive.averageNanoUsd()) + " per call). "
                + cheap.model() + ", the cheapest model used for such calls (" + Usd.count(cheap.calls()) + " "
                + plural(cheap.calls(), "call") + ", " + Usd.format(cheap.averageNanoUsd()) + " per call; "
                + ModelRates.ratePerMillion(cheap.inputCostNanoUsd(), cheap.inputTokens()) + " per million input and "
                + ModelRates.ratePerMillion(cheap.outputCostNanoUsd(), cheap.outputTokens())
                + " per million output tokens as billed), would have done them for "
                + Usd.format(atCheapRates.get()) + ": a saving of " + Usd.format(saving) + " ("
                + Usd.percentText(Usd.percent(saving, total.costNanoUsd())) + " of the week's spend)"
                + " where its quality is enough.";
        return Optional.of(new Hint(HintKind.SHORT_PROMPTS_ON_EXPENSIVE_MODEL,
                "Short prompts on " + expensive.model(), text, saving));
    }

    static Optional<Hint> repeatsHint(Totals total, Repeats repeats) {
        if (repeats.repeatedCalls() < REPEAT_MIN_CALLS || repeats.savingNanoUsd() <= 0) {
            return Optional.empty();
        }
        String text = Usd.count(repeats.repeatedCalls()) + " " + plural(repeats.repeatedCalls(), "call")
                + " repeated an earlier call of the same user with the same model and the same input-token count"
                + " (≥ " + REPEAT_MIN_INPUT_TOKENS + " tokens; " + Usd.count(repeats.groups()) + " "
                + plural(repeats.groups(), "group") + "): most likely identical prompts. A response cache would have"
                + " saved up to " + Usd.format(repeats.savingNanoUsd()) + " ("
                + Usd.percentText(Usd.percent(repeats.savingNanoUsd(), total.costNanoUsd()))
                + " of the week's spend). This is inferred from token counts: the table holds no prompt text,"
                + " and a prompt-hash column would make the match exact.";
        return Optional.of(new Hint(HintKind.REPEATED_PROMPTS, "Repeated prompts", text, repeats.savingNanoUsd()));
    }

    static Optional<Hint> nonProductionHint(Totals total) {
        BigDecimal share = Usd.percent(total.nonProductionCostNanoUsd(), total.costNanoUsd());
        if (total.nonProductionCostNanoUsd() <= 0 || share == null
                || share.compareTo(NON_PRODUCTION_MIN_PERCENT) < 0) {
            return Optional.empty();
        }
        String text = "Development and staging traffic (Environment = development, dev or staging) cost "
                + Usd.format(total.nonProductionCostNanoUsd()) + " over " + Usd.count(total.nonProductionRequests())
                + " " + plural(total.nonProductionRequests(), "request") + ": " + Usd.percentText(share)
                + " of the week's spend. Cheaper models, smaller test sets or response caching there cut it"
                + " without touching production.";
        return Optional.of(new Hint(HintKind.NON_PRODUCTION_SPEND, "Non-production spend", text, 0));
    }

    static Optional<Hint> unknownModelsHint(Totals total, Unpriced unpriced) {
        if (unpriced.unknownModelRequests() <= 0) {
            return Optional.empty();
        }
        String models = unpriced.unknownModels().stream()
                .map(m -> (m.provider().isEmpty() ? "" : m.provider() + "/") + m.model() + " (" + Usd.count(m.requests())
                        + ")")
                .collect(Collectors.joining(", "));
        String text = Usd.count(unpriced.unknownModelRequests()) + " "
                + plural(unpriced.unknownModelRequests(), "request") + " ("
                + Usd.percentText(Usd.percent(unpriced.unknownModelRequests(), total.requests()))
                + " of all) used models without a price, so " + (unpriced.unknownModelRequests() == 1 ? "its" : "their")
                + " cost is missing from every total in this report: "
                + models + ". Add them to the pricing catalogue (llm.pricing).";
        return Optional.of(new Hint(HintKind.UNKNOWN_MODELS, "Models without a price", text, 0));
    }

    static String plural(long count, String noun) {
        return count == 1 ? noun : noun + "s";
    }
}
