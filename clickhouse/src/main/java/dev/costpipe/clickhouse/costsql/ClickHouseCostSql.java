package dev.costpipe.clickhouse.costsql;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricingRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * ClickHouse SQL that prices a request server-side from a {@link PricingRegistry}, so stored history
 * can be re-priced in ClickHouse: an expression for {@code SELECT <expr> AS cost_nano_usd FROM db.t}
 * over the columns of {@code request_costs}: {@code provider String}, {@code model String},
 * {@code timestamp DateTime}, the UInt64 counts {@code input_tokens, output_tokens,
 * cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, audio_input_tokens,
 * audio_output_tokens, web_search_calls, images, image_output_tokens, cache_read_audio_tokens,
 * search_sources, server_tool_calls, image_input_tokens, video_input_tokens}, and the billing mode {@code service_tier String, inference_geo String}.
 *
 * <p><b>Result.</b> {@code Nullable(Int64)} nano-USD, NULL when the row's (provider, model) is not
 * priced. Where it is priced the value equals {@code CostCalculator.compute(match.planAt(timestamp),
 * usage, timestamp).nanoUsd()} exactly: the sum is computed in {@code Decimal(38, S)} from exact decimal literals
 * of the rates in nano-USD per unit (no Float64 anywhere), with S the fraction digits the rates need
 * (at least 1), and rounded once, half-even, to an integer by the expression itself (18.16 has no
 * {@code roundBankers}): truncate with {@code toInt64}, compare the remainder with ±0.5, on a tie take
 * the even neighbour. Same semantics as Java: the period in force is the latest whose effective_from
 * is at or before {@code timestamp} and whose effective_until is after it (else the earliest); the
 * highest tier whose threshold {@code input_tokens} passes ("above N" or "at or above N") applies to the
 * whole request; the first time-of-day price that applies at {@code timestamp}'s UTC time of day and
 * weekday is laid over it; a billing mode the period prices (service tier, batch, fast,
 * {@code geo_<region>}) replaces those rates as {@code PricePlan.ratesFor} does; the fallbacks of
 * {@code Rates.withFallbacks}.
 *
 * <p><b>Bounds.</b> Generation checks that with every count up to 10^9 no intermediate value leaves
 * Decimal128's 38 digits and the total fits Int64 (it throws {@link IllegalArgumentException} naming
 * the model otherwise). Larger counts can only make ClickHouse fail ("Decimal math overflow",
 * "Decimal convert overflow", with the default {@code decimal_check_overflow=1}), not return a wrong value.
 *
 * <p><b>Two forms.</b> {@link #caseExpression} resolves the (provider, model) pairs present in the
 * rows in Java with {@link PricingRegistry#resolve} (aliases, dated snapshots, Bedrock/Vertex ids,
 * the author's list price) and emits one {@code multiIf} branch per resolved endpoint, with the
 * period and tier conditions inside it. It grows per model, and 18.16 computes every branch for every
 * row: measured on 18.16, about 220 B and 1.7 ms of analysis per branch, 0.2 s per million rows with
 * 30 models, 5 s with 300, 46 s with 1,000; from about 1,200 branches it exceeds the default
 * {@code max_query_size} (262,144 B). {@link #lookupExpression} covers the whole registry with
 * constant arrays indexed per row (its size grows with the price data, not with a branch per model:
 * 220 KB for LiteLLM's 2,478 entries, analysed in ~50 ms, 0.25 s per million rows) but matches only
 * listed ids: the provider exactly and {@code lower(model)} equal to an id listed for that provider on
 * an endpoint without deployment (ASCII case folding; names with non-ASCII or control characters,
 * surrounding spaces, dated or region-prefixed aliases, and models priced at their author's list are
 * NULL there and need the CASE form) and prices every row at standard rates (billing modes and time-of-day
 * prices need the CASE form too; dated periods, effective_until and both tier thresholds it follows). Both ignore deployment-specific endpoints: the table has no
 * deployment column, so they price like {@code resolve(provider, model, null)}.
 *
 * <p><b>No aliases.</b> Intermediate values are bound as lambda parameters ({@code costpipe_x},
 * {@code costpipe_t}, …: {@code arrayElement(arrayMap(name -> body, [value]), 1)}), which are local
 * to the expression, so several such expressions (say old and new prices) can share a SELECT. (Aliases
 * inside the expression were tried: 18.16 copies an alias's expression into every use before
 * analysing, and the catalogue-wide lookup then took 11 s to analyse instead of milliseconds.)
 *
 * <p>Model and provider names are data: every string is emitted through {@link SqlLiterals#string}.
 * Tested on ClickHouse 18.16 only (the one server available here); written with functions current
 * servers keep, so it should run unchanged on 24+, but that is untested: {@code multiIf}, {@code transform}, {@code arrayElement}, {@code CAST},
 * {@code toDecimal128}, {@code toInt64}, {@code arrayMap}, {@code toUInt32}, {@code lower}, {@code concat}.
 */
public final class ClickHouseCostSql {
  /** The expression for "nothing is priced". */
  static final String NULL_COST = "CAST(NULL AS Nullable(Int64))";

  private ClickHouseCostSql() {}

  /**
   * The CASE form over the pairs {@code present} in the rows to price (e.g. from
   * {@code SELECT DISTINCT provider, model FROM db.t}). Rows whose pair is not in {@code present}, or
   * does not resolve, get NULL. Pairs match the columns exactly (case and spaces included). Throws
   * {@link IllegalArgumentException} if a price could overflow.
   */
  public static String caseExpression(PricingRegistry registry, Collection<ProviderModel> present) {
    Map<Endpoint, Branch> branches = new LinkedHashMap<>();
    for (ProviderModel pair : present) {
      Optional<PriceMatch> match = registry.resolve(pair.provider(), pair.model(), null);
      if (match.isPresent()) {
        Endpoint endpoint = match.get().endpoint();
        branches.computeIfAbsent(endpoint, e -> new Branch(match.get().modelKey(), CompiledPlan.of(e)))
            .add(pair);
      }
    }
    if (branches.isEmpty()) {
      return NULL_COST;
    }
    int scale = 1;
    for (Branch b : branches.values()) {
      for (CompiledPlan plan : b.plans) {
        for (List<BigDecimal> set : plan.rateSets()) {
          scale = Math.max(scale, CostCoefficients.scale(set));
        }
      }
    }
    for (Branch b : branches.values()) {
      for (CompiledPlan plan : b.plans) {
        for (List<BigDecimal> set : plan.rateSets()) {
          CostCoefficients.checkBounded(set, scale, b.modelKey);
        }
      }
    }
    StringBuilder sql = new StringBuilder("multiIf(");
    for (Branch b : branches.values()) {
      sql.append("\n  ").append(b.condition()).append(",\n    ").append(periods(b.plans, scale)).append(',');
    }
    sql.append("\n  NULL)");
    return roundHalfEven(sql.toString(), scale);
  }

  /**
   * The lookup form over every endpoint without deployment in {@code registry}: listed ids only (see
   * the class comment). Throws {@link IllegalArgumentException} if a price could overflow.
   */
  public static String lookupExpression(PricingRegistry registry) {
    return CostLookupSql.expression(registry);
  }

  /** The resolved endpoint of some present pairs: one CASE branch. */
  private static final class Branch {
    final String modelKey;
    final List<CompiledPlan> plans;
    final Map<String, Set<String>> modelsByProvider = new LinkedHashMap<>();

    Branch(String modelKey, List<CompiledPlan> plans) {
      this.modelKey = modelKey;
      this.plans = plans;
    }

    void add(ProviderModel pair) {
      modelsByProvider.computeIfAbsent(pair.provider(), p -> new LinkedHashSet<>()).add(pair.model());
    }

    String condition() {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, Set<String>> e : modelsByProvider.entrySet()) {
        StringJoiner models = new StringJoiner(", ");
        e.getValue().forEach(m -> models.add(SqlLiterals.string(m)));
        String model = e.getValue().size() == 1 ? "model = " + models : "model IN (" + models + ")";
        parts.add("(provider = " + SqlLiterals.string(e.getKey()) + " AND " + model + ")");
      }
      return String.join(" OR ", parts);
    }
  }

  /**
   * The period in force: the latest started that has not ended, else the earliest (an ended period
   * always has another in force when it ends, which {@code Endpoint} checks).
   */
  private static String periods(List<CompiledPlan> plans, int scale) {
    StringBuilder branches = new StringBuilder();
    String otherwise = null;
    for (int k = plans.size() - 1; k >= 1 && otherwise == null; k--) {
      CompiledPlan plan = plans.get(k);
      if (plan.fromSecond() > CompiledPlan.MAX_DATETIME || plan.untilSecond() <= Math.max(0, plan.fromSecond())) {
        continue; // in force at no DateTime
      }
      List<String> conditions = new ArrayList<>();
      if (plan.fromSecond() > 0) {
        conditions.add("toUInt32(timestamp) >= " + plan.fromSecond());
      }
      if (plan.untilSecond() <= CompiledPlan.MAX_DATETIME) {
        conditions.add("toUInt32(timestamp) < " + plan.untilSecond());
      }
      if (conditions.isEmpty()) {
        otherwise = tiers(plan, scale); // in force for every DateTime: earlier periods are unreachable
      } else {
        branches.append(String.join(" AND ", conditions)).append(", ").append(tiers(plan, scale)).append(", ");
      }
    }
    if (otherwise == null) {
      otherwise = tiers(plans.get(0), scale);
    }
    return branches.isEmpty() ? otherwise : "multiIf(" + branches + otherwise + ")";
  }

  /** The highest tier whose threshold input_tokens exceeds, else the base rates. */
  private static String tiers(CompiledPlan plan, int scale) {
    StringBuilder branches = new StringBuilder();
    String otherwise = null;
    for (int k = plan.tiers().size() - 1; k >= 0 && otherwise == null; k--) {
      CompiledPlan.Tier tier = plan.tiers().get(k);
      String rates = windows(tier.coefficients(), tier.modes(), tier.windows(), scale);
      if (tier.aboveInputTokens() < 0) {
        otherwise = rates; // every count exceeds it
      } else {
        branches.append("input_tokens > ").append(tier.aboveInputTokens()).append(", ").append(rates).append(", ");
      }
    }
    if (otherwise == null) {
      otherwise = windows(plan.base(), plan.baseModes(), plan.baseWindows(), scale);
    }
    return branches.isEmpty() ? otherwise : "multiIf(" + branches + otherwise + ")";
  }

  /** The first time-of-day price that applies at the row's timestamp (UTC), else the context's own rates. */
  private static String windows(List<BigDecimal> standard, List<CompiledPlan.ModeCase> standardModes,
      List<CompiledPlan.WindowCase> windows, int scale) {
    if (windows.isEmpty()) {
      return modes(standard, standardModes, scale);
    }
    StringBuilder sql = new StringBuilder("multiIf(");
    for (CompiledPlan.WindowCase w : windows) {
      sql.append(TimeOfDaySql.condition(w.when())).append(", ").append(modes(w.coefficients(), w.modes(), scale))
          .append(", ");
    }
    return sql.append(modes(standard, standardModes, scale)).append(')').toString();
  }

  /** The billing modes' rates by the row's service_tier and inference_geo, else the standard ones. */
  private static String modes(List<BigDecimal> standard, List<CompiledPlan.ModeCase> modes, int scale) {
    if (modes.isEmpty()) {
      return rateSet(standard, scale);
    }
    StringBuilder sql = new StringBuilder("multiIf(");
    for (CompiledPlan.ModeCase m : modes) {
      List<String> conditions = new ArrayList<>();
      if (m.serviceTier() != null) {
        conditions.add("service_tier = " + SqlLiterals.string(m.serviceTier()));
      }
      if (m.inferenceGeo() != null) {
        conditions.add("inference_geo = " + SqlLiterals.string(m.inferenceGeo()));
      }
      sql.append(String.join(" AND ", conditions)).append(", ").append(rateSet(m.coefficients(), scale)).append(", ");
    }
    return sql.append(rateSet(standard, scale)).append(')').toString();
  }

  private static String rateSet(List<BigDecimal> coefficients, int scale) {
    StringJoiner sum = new StringJoiner(" + ");
    for (int i = 0; i < CostCoefficients.PER_REQUEST; i++) {
      BigDecimal c = coefficients.get(i);
      if (c.signum() != 0) {
        sum.add(CostCoefficients.COLUMNS.get(i) + " * " + SqlLiterals.decimal128(c, scale));
      }
    }
    BigDecimal perRequest = coefficients.get(CostCoefficients.PER_REQUEST);
    if (perRequest.signum() != 0 || sum.length() == 0) {
      sum.add(SqlLiterals.decimal128(perRequest, scale));
    }
    return sum.toString();
  }

  /**
   * Rounds a {@code Decimal(38, scale)} (possibly Nullable) expression half-even to Int64:
   * {@code t = toInt64(x)} truncates toward zero, so {@code x - t} is in (-1, 1); a remainder beyond
   * ±0.5, or exactly ±0.5 with {@code t} odd, moves {@code t} one away from zero.
   */
  static String roundHalfEven(String decimal, int scale) {
    String half = SqlLiterals.decimal128(new BigDecimal("0.5"), scale);
    String minusHalf = SqlLiterals.decimal128(new BigDecimal("-0.5"), scale);
    String f = "(costpipe_x - costpipe_t)";
    String odd = "costpipe_t % 2 != 0";
    String rounded = "costpipe_t + (" + f + " > " + half + " OR (" + f + " = " + half + " AND " + odd + "))"
        + " - (" + f + " < " + minusHalf + " OR (" + f + " = " + minusHalf + " AND " + odd + "))";
    return let("costpipe_x", decimal, let("costpipe_t", "toInt64(costpipe_x)", rounded));
  }

  /**
   * {@code body} with {@code name} bound to {@code value}, which is written (and analysed) once.
   * Not an alias: 18.16 substitutes an alias's whole expression at every use before analysing, which
   * made the catalogue-wide lookup take 11 s to analyse; a lambda parameter is a plain column.
   */
  static String let(String name, String value, String body) {
    return "arrayElement(arrayMap(" + name + " -> " + body + ", [" + value + "]), 1)";
  }

  /**
   * {@link #let} for several names at once. Table columns used in a lambda body must come in this
   * way: 18.16 does not read a MergeTree column that is referenced only inside a lambda
   * ("Unknown identifier").
   */
  static String let(List<String> names, List<String> values, String body) {
    StringJoiner arrays = new StringJoiner(", ");
    values.forEach(v -> arrays.add("[" + v + "]"));
    return "arrayElement(arrayMap((" + String.join(", ", names) + ") -> " + body + ", " + arrays + "), 1)";
  }
}
