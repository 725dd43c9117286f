package dev.costpipe.engine.catalogue;

import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.Rates;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One price on which LiteLLM and genai-prices disagree for the same model of the same provider: a rate
 * at least one of them gives, compared as costpipe would bill it (fallbacks applied), per million tokens for
 * token rates, USD per call for fees.
 */
public record Disagreement(String provider, String model, String litellmKey, String field, String litellm,
    String genAiPrices) {

  private static final Map<String, Function<Rates, BigDecimal>> PER_MTOK = fields();

  private static Map<String, Function<Rates, BigDecimal>> fields() {
    Map<String, Function<Rates, BigDecimal>> f = new java.util.LinkedHashMap<>();
    f.put("input_mtok", Rates::input);
    f.put("output_mtok", Rates::output);
    f.put("cache_read_mtok", Rates::cacheRead);
    f.put("cache_write_mtok", Rates::cacheWrite);
    f.put("cache_write_1h_mtok", Rates::cacheWrite1h);
    f.put("reasoning_mtok", Rates::reasoning);
    f.put("audio_input_mtok", Rates::audioInput);
    f.put("audio_output_mtok", Rates::audioOutput);
    f.put("per_web_search", Rates::perWebSearch);
    f.put("per_request", Rates::perRequest);
    return f;
  }

  /** Every disagreement between two price periods of one model: base rates, tier thresholds, tier rates. */
  static List<Disagreement> between(String provider, String model, String litellmKey, PricePeriod litellm,
      PricePeriod genAi) {
    List<Disagreement> out = new ArrayList<>();
    compare(out, provider, model, litellmKey, "", litellm.rates(), genAi.rates());
    Map<Long, Rates> l = tiers(litellm);
    Map<Long, Rates> g = tiers(genAi);
    if (!l.keySet().equals(g.keySet())) {
      out.add(new Disagreement(provider, model, litellmKey, "tiers above_input_tokens", l.keySet().toString(),
          g.keySet().toString()));
    }
    l.forEach((threshold, rates) -> {
      if (g.containsKey(threshold)) {
        compare(out, provider, model, litellmKey, "tier>" + threshold + " ", rates, g.get(threshold));
      }
    });
    return out;
  }

  /** Whether costpipe would bill the two sets of rates alike (fallbacks applied). */
  static boolean billAlike(Rates litellm, Rates other) {
    List<Disagreement> out = new ArrayList<>();
    compare(out, null, null, null, "", litellm, other);
    return out.isEmpty();
  }

  private static Map<Long, Rates> tiers(PricePeriod p) {
    Map<Long, Rates> t = new TreeMap<>();
    for (PriceTier tier : p.tiers()) {
      t.put(tier.aboveInputTokens(), tier.rates().over(p.rates()));
    }
    return t;
  }

  private static void compare(List<Disagreement> out, String provider, String model, String litellmKey,
      String prefix, Rates litellm, Rates genAi) {
    Rates l = litellm.withFallbacks();
    Rates g = genAi.withFallbacks();
    PER_MTOK.forEach((field, rate) -> {
      if (rate.apply(litellm) == null && rate.apply(genAi) == null) {
        return; // neither gives it: it follows its fallback, whose own disagreement is listed
      }
      BigDecimal a = rate.apply(l);
      BigDecimal b = rate.apply(g);
      if (a.compareTo(b) != 0) {
        boolean perToken = field.endsWith("_mtok");
        out.add(new Disagreement(provider, model, litellmKey, prefix + field, plain(a, perToken), plain(b, perToken)));
      }
    });
  }

  private static String plain(BigDecimal v, boolean perToken) {
    BigDecimal shown = (perToken ? v.movePointRight(6) : v).stripTrailingZeros();
    return shown.scale() < 0 ? shown.setScale(0).toPlainString() : shown.toPlainString();
  }
}
