package dev.costpipe.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.pricing.Cost;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricePlan;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.usage.Usage;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Java half of the peer comparison against {@code @pydantic/genai-prices}
 * ({@code cost-engine/bench/peer-genai-prices/run.sh}). Not a test: no JUnit annotations and a name
 * surefire does not pick up, so {@code mvn verify} only compiles it.
 *
 * <pre>
 * known PROVIDER/MODEL...   prints the ones the built-in catalogue prices, one per line
 * bench --usage FILE [--genai-prices FILE] [--rounds 5] [--warmup 3] [--warmup-seconds 2] [--at ISO-INSTANT]
 *       --out FILE
 * </pre>
 *
 * <p>{@code bench} times, on this one thread, exactly what {@code CostComputationBenchmark.costFromUsage}
 * measures ({@link PricingRegistry#resolve} + {@link PriceMatch#planAt} +
 * {@link CostCalculator#compute}{@code .nanoUsd()}, built-in catalogue) over every record of the usage
 * file, untimed warm-up rounds (at least {@code warmup} of them and {@code warmup-seconds} long) then
 * {@code rounds} timed ones, and reports the median calls/s.
 * Then, untimed, it compares each record's exact decimal cost with the float genai-prices returned for
 * it (the {@code --genai-prices} file written by {@code bench.mjs}).
 */
public final class PeerComparisonHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Two totals closer than this (relative) are the same price up to float noise: a double sum of a few
   * products is off by some 1e-16 relative, a catalogue price difference by 1e-3 or more.
   */
  private static final BigDecimal FLOAT_NOISE = new BigDecimal("1e-12");
  private static final int EXAMPLES = 8;

  private PeerComparisonHarness() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      usage();
    }
    PricingRegistry registry = CostEngine.builtIn().registry();
    switch (args[0]) {
      case "known" -> {
        for (String pm : Arrays.copyOfRange(args, 1, args.length)) {
          int slash = pm.indexOf('/');
          if (slash > 0 && registry.resolve(pm.substring(0, slash), pm.substring(slash + 1), null).isPresent()) {
            System.out.println(pm);
          }
        }
      }
      case "bench" -> bench(registry, options(Arrays.copyOfRange(args, 1, args.length)));
      default -> usage();
    }
  }

  private static void bench(PricingRegistry registry, Map<String, String> opt) throws IOException {
    Path usagePath = Path.of(required(opt, "usage"));
    Path out = Path.of(required(opt, "out"));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "5"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "3"));
    double warmupSeconds = Double.parseDouble(opt.getOrDefault("warmup-seconds", "2"));
    Instant at = Instant.parse(opt.getOrDefault("at", "2026-06-01T12:00:00Z"));

    // Load everything before timing: the benchmark is the cost computation, not JSON parsing.
    List<String> providerList = new ArrayList<>();
    List<String> modelList = new ArrayList<>();
    List<Usage> usageList = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(usagePath, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode r = JSON.readTree(line);
        providerList.add(r.get("provider").asText());
        modelList.add(r.get("model").asText());
        usageList.add(Usage.builder()
            .inputTokens(r.path("input_tokens").asLong())
            .cacheReadTokens(r.path("cache_read_tokens").asLong())
            .cacheWriteTokens(r.path("cache_write_tokens").asLong())
            .outputTokens(r.path("output_tokens").asLong())
            .build());
      }
    }
    String[] providers = providerList.toArray(String[]::new);
    String[] models = modelList.toArray(String[]::new);
    Usage[] usages = usageList.toArray(Usage[]::new);
    int n = usages.length;
    for (int k = 0; k < n; k++) {
      if (registry.resolve(providers[k], models[k], null).isEmpty()) {
        throw new IllegalStateException("record " + k + ": model not in the built-in catalogue: "
            + providers[k] + "/" + models[k]);
      }
    }

    // Warm-up: at least `warmup` rounds and at least `warmupSeconds` (C2 compiles the hot path).
    long checksum = 0;
    int warmupRounds = 0;
    long warmupStart = System.nanoTime();
    while (warmupRounds < warmup || System.nanoTime() - warmupStart < warmupSeconds * 1e9) {
      checksum = round(registry, providers, models, usages, at);
      warmupRounds++;
    }
    double[] callsPerS = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      long sum = round(registry, providers, models, usages, at);
      long t1 = System.nanoTime();
      callsPerS[r] = n / ((t1 - t0) / 1e9);
      if (warmupRounds > 0 && sum != checksum) {
        throw new IllegalStateException("rounds disagree: " + sum + " vs " + checksum);
      }
      checksum = sum;
    }

    ObjectNode result = JSON.createObjectNode();
    result.put("records", n);
    result.put("rounds", rounds);
    result.put("warmup_rounds", warmupRounds);
    result.put("at", at.toString());
    ArrayNode perRound = result.putArray("round_calls_per_s");
    for (double c : callsPerS) {
      perRound.add(Math.round(c));
    }
    result.put("calls_per_s_median", Math.round(median(callsPerS)));
    result.put("checksum_nano_usd", checksum);
    result.set("models", models(registry, providers, models, at));
    if (opt.containsKey("genai-prices")) {
      result.set("comparison", compare(registry, providers, models, usages, at, Path.of(opt.get("genai-prices"))));
    }
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
  }

  /** One timed unit: the same work per call as {@code CostComputationBenchmark.costFromUsage}. */
  private static long round(PricingRegistry registry, String[] providers, String[] models, Usage[] usages,
      Instant at) {
    long sink = 0;
    for (int k = 0; k < usages.length; k++) {
      PricePlan plan = registry.resolve(providers[k], models[k], null).orElseThrow().planAt(at);
      sink += CostCalculator.compute(plan, usages[k]).nanoUsd();
    }
    return sink;
  }

  /** Per model called: the entry it resolves to, and the catalogue's source and date checked. */
  private static ObjectNode models(PricingRegistry registry, String[] providers, String[] models, Instant at) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int k = 0; k < models.length; k++) {
      counts.merge(providers[k] + "/" + models[k], 1, Integer::sum);
    }
    ObjectNode node = JSON.createObjectNode();
    counts.forEach((pm, count) -> {
      int slash = pm.indexOf('/');
      PriceMatch m = registry.resolve(pm.substring(0, slash), pm.substring(slash + 1), null).orElseThrow();
      ObjectNode o = node.putObject(pm);
      o.put("records", count);
      o.put("costpipe_model_key", m.modelKey());
      o.put("costpipe_source", m.endpoint().source());
      o.put("costpipe_checked", m.endpoint().checked());
      PricePeriod period = m.endpoint().periodAt(at);
      o.put("costpipe_effective_from", period.effectiveFrom().toString());
      o.set("costpipe_rates_mtok", mtok(period.rates()));
      if (!period.tiers().isEmpty()) {
        ArrayNode tiers = o.putArray("costpipe_tiers");
        for (PriceTier t : period.tiers()) {
          tiers.add(mtok(t.rates()).put("above_input_tokens", t.aboveInputTokens()));
        }
      }
    });
    return node;
  }

  /** The token rates the generated usage exercises, in USD per million tokens. */
  private static ObjectNode mtok(Rates r) {
    ObjectNode o = JSON.createObjectNode();
    BigDecimal[] rates = {r.input(), r.cacheRead(), r.cacheWrite(), r.output()};
    String[] names = {"input", "cache_read", "cache_write", "output"};
    for (int i = 0; i < rates.length; i++) {
      if (rates[i] != null) {
        o.put(names[i], rates[i].movePointRight(6).stripTrailingZeros().toPlainString());
      }
    }
    return o;
  }

  /**
   * Record by record: costpipe's exact decimal total against the double genai-prices returned, as its
   * shortest round-trip string (what {@code String(x)} and {@code JSON.stringify} print).
   */
  private static ObjectNode compare(PricingRegistry registry, String[] providers, String[] models, Usage[] usages,
      Instant at, Path genaiPrices) throws IOException {
    List<String> lines = Files.readAllLines(genaiPrices, StandardCharsets.UTF_8);
    if (lines.size() != usages.length) {
      throw new IllegalStateException(
          genaiPrices + " has " + lines.size() + " lines for " + usages.length + " records");
    }
    int unpriced = 0;
    int mismatches = 0;
    int inexact = 0;
    int notNearestDouble = 0;
    int nanoDiffers = 0;
    Map<String, Integer> mismatchesByModel = new LinkedHashMap<>();
    Map<String, Integer> inexactByModel = new LinkedHashMap<>();
    ArrayNode mismatchExamples = JSON.createArrayNode();
    ArrayNode inexactExamples = JSON.createArrayNode();
    ArrayNode nanoExamples = JSON.createArrayNode();
    for (int k = 0; k < usages.length; k++) {
      JsonNode g = JSON.readTree(lines.get(k));
      String pm = providers[k] + "/" + models[k];
      PricePlan plan = registry.resolve(providers[k], models[k], null).orElseThrow().planAt(at);
      Cost cost = CostCalculator.compute(plan, usages[k]);
      BigDecimal exact = cost.totalUsd();
      long nano = cost.nanoUsd();
      if (g.path("total_price_str").isNull() || g.path("total_price_str").isMissingNode()) {
        unpriced++;
        continue;
      }
      String str = g.get("total_price_str").asText();
      BigDecimal printed = new BigDecimal(str); // the decimal a user of genai-prices sees
      BigDecimal diff = printed.subtract(exact).abs();
      BigDecimal scale = exact.abs().max(new BigDecimal("1e-9"));
      if (diff.compareTo(scale.multiply(FLOAT_NOISE)) > 0) {
        mismatches++;
        mismatchesByModel.merge(pm, 1, Integer::sum);
        if (countFor(mismatchExamples, pm) < 2 && mismatchExamples.size() < EXAMPLES) {
          ObjectNode e = example(pm, g, usages[k], exact, str);
          e.put("ratio_genai_prices_to_costpipe", printed.divide(exact, MathContext.DECIMAL64).doubleValue());
          mismatchExamples.add(e);
        }
        continue;
      }
      // Same prices: any remaining difference is the float arithmetic's.
      if (printed.compareTo(exact) != 0) {
        inexact++;
        inexactByModel.merge(pm, 1, Integer::sum);
        if (inexactExamples.size() < EXAMPLES) {
          inexactExamples.add(example(pm, g, usages[k], exact, str));
        }
      }
      if (Double.parseDouble(str) != exact.doubleValue()) {
        notNearestDouble++; // not even the double closest to the true cost
      }
      long genaiNano = printed.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
      if (genaiNano != nano) {
        nanoDiffers++; // rounding the float to nano-USD gives another amount than the exact cost does
        if (nanoExamples.size() < EXAMPLES) {
          ObjectNode e = example(pm, g, usages[k], exact, str);
          e.put("costpipe_nano_usd", nano);
          e.put("genai_prices_rounded_nano_usd", genaiNano);
          nanoExamples.add(e);
        }
      }
    }
    ObjectNode c = JSON.createObjectNode();
    c.put("records", usages.length);
    c.put("genai_prices_unpriced", unpriced);
    c.put("price_mismatches", mismatches);
    c.put("price_mismatch_tolerance_relative", FLOAT_NOISE.toString());
    c.set("price_mismatches_by_model", JSON.valueToTree(mismatchesByModel));
    c.set("price_mismatch_examples", mismatchExamples);
    c.put("genai_prices_inexact_records", inexact);
    c.set("genai_prices_inexact_by_model", JSON.valueToTree(inexactByModel));
    c.set("genai_prices_inexact_examples", inexactExamples);
    c.put("genai_prices_not_nearest_double", notNearestDouble);
    c.put("genai_prices_nano_usd_differs", nanoDiffers);
    c.set("genai_prices_nano_usd_differs_examples", nanoExamples);
    return c;
  }

  private static ObjectNode example(String pm, JsonNode g, Usage u, BigDecimal exact, String genaiStr) {
    ObjectNode e = JSON.createObjectNode();
    e.put("model", pm);
    e.put("genai_prices_model_id", g.path("model_id").asText());
    e.put("input_tokens", u.inputTokens());
    e.put("cache_read_tokens", u.cacheReadTokens());
    e.put("cache_write_tokens", u.cacheWriteTokens());
    e.put("output_tokens", u.outputTokens());
    e.put("costpipe_exact_usd", exact.stripTrailingZeros().toPlainString());
    e.put("genai_prices_total_price", genaiStr);
    return e;
  }

  private static int countFor(ArrayNode examples, String pm) {
    int n = 0;
    for (JsonNode e : examples) {
      n += e.get("model").asText().equals(pm) ? 1 : 0;
    }
    return n;
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        usage();
      }
      opt.put(args[i].substring(2), args[++i]);
    }
    return opt;
  }

  private static String required(Map<String, String> opt, String name) {
    return Optional.ofNullable(opt.get(name))
        .orElseThrow(() -> new IllegalArgumentException("--" + name + " is required"));
  }

  private static void usage() {
    System.err.println("usage: PeerComparisonHarness known PROVIDER/MODEL...\n"
        + "       PeerComparisonHarness bench --usage FILE [--genai-prices FILE] [--rounds 5] [--warmup 3]"
        + " [--warmup-seconds 2] [--at ISO-INSTANT] --out FILE");
    System.exit(2);
  }
}
