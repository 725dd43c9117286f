package dev.costpipe.engine.catalogue;

import static dev.costpipe.engine.catalogue.RateSlots.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PriceTier;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The token rates of one LiteLLM catalogue entry, every number exactly as written ({@link LiteLlmImporter} decides
 * what the entry is): the base rates and per-call fees, the {@code _above_<N>k_tokens} tiers, the service tiers
 * ({@code _flex}, {@code _priority}, {@code _batches}, also per context tier) and the {@code tiered_pricing}
 * tables, with LiteLLM's fallbacks within a tier made explicit.
 */
record LiteLlmRates(BigDecimal[] base, Map<Long, BigDecimal[]> tiers, Map<String, BigDecimal[]> modes,
    Map<String, Map<Long, BigDecimal[]>> tierModes) {
  static final String BAD_TIERED_PRICING = "tiered_pricing not by input tokens";
  static final String INVALID_PRICE = "invalid price value";

  /** Per-token rates: the keys that may also carry an {@code _above_<N>k_tokens} tier suffix. */
  private static final Map<String, Integer> TOKEN_KEYS = Map.of(
      "input_cost_per_token", INPUT,
      "output_cost_per_token", OUTPUT,
      "cache_read_input_token_cost", CACHE_READ,
      "cache_creation_input_token_cost", CACHE_WRITE,
      "cache_creation_input_token_cost_above_1hr", CACHE_WRITE_1H,
      "output_cost_per_reasoning_token", REASONING,
      "input_cost_per_audio_token", AUDIO_INPUT,
      "output_cost_per_audio_token", AUDIO_OUTPUT,
      "input_cost_per_image_token", IMAGE_INPUT,
      "input_cost_per_video_token", VIDEO_INPUT);

  /** Within a tier, a missing derived rate falls back to this rate of the same tier (LiteLLM's rule). */
  private static final int[] TIER_PARENT =
      {-1, -1, INPUT, INPUT, CACHE_WRITE, OUTPUT, INPUT, OUTPUT, -1, -1, -1, -1, -1, INPUT, INPUT};

  private static final Pattern ABOVE_TOKENS = Pattern.compile("^(.+)_above_(\\d+)k_tokens$");
  /** LiteLLM's service-tier key suffix → costpipe's mode name. */
  private static final Map<String, String> SERVICE_TIER_SUFFIXES =
      Map.of("_flex", "flex", "_priority", "priority", "_batches", "batch");
  /** Why an entry's rates cannot be read: the importer's reason for skipping it. */
  static final class Unreadable extends Exception {
    private final String reason;

    Unreadable(String reason) {
      super(reason, null, false, false);
      this.reason = reason;
    }

    String reason() {
      return reason;
    }
  }

  /** The entry's rates; a rate not given stays null (the importer decides what a missing side means). */
  static LiteLlmRates read(JsonNode v) throws Unreadable {
    LiteLlmRates r = new LiteLlmRates(new BigDecimal[COUNT], new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    readBase(v, r.base);
    readAboveTiers(v, r.tiers);
    readServiceTiers(v, r.modes);
    readTieredServiceTiers(v, r.tierModes);
    JsonNode table = v.get("tiered_pricing");
    if (table != null && !table.isNull() && !readTieredPricing(table, r.base, r.tiers)) {
      throw new Unreadable(BAD_TIERED_PRICING);
    }
    return r;
  }

  /** The {@code _above_<N>k_tokens} and {@code tiered_pricing} tiers, lowest first. */
  List<PriceTier> priceTiers() {
    List<PriceTier> priceTiers = new ArrayList<>();
    tiers.forEach((threshold, rates) -> priceTiers.add(new PriceTier(threshold, rates(rates))));
    return priceTiers;
  }

  /** The service tiers: one multiplier where they are one over base and tier rates alike, else their rates. */
  Map<String, PriceMode> priceModes() {
    Map<String, PriceMode> priceModes = new TreeMap<>();
    modes.forEach((name, rates) -> {
      BigDecimal multiplier = tierModes.containsKey(name)
          ? uniformMultiplier(base, rates, tiers, tierModes.get(name)) : null;
      priceModes.put(name, multiplier != null ? new PriceMode(multiplier, null) : new PriceMode(null, rates(rates)));
    });
    return priceModes;
  }

  private static void readBase(JsonNode v, BigDecimal[] base) throws Unreadable {
    for (Map.Entry<String, Integer> k : TOKEN_KEYS.entrySet()) {
      base[k.getValue()] = price(v, k.getKey());
    }
    if (base[CACHE_READ] == null) {
      // DeepSeek's older name for the cache-hit input rate.
      base[CACHE_READ] = price(v, "input_cost_per_token_cache_hit");
    }
    if (base[OUTPUT] == null) {
      // Image-generation models (gpt-image-1) whose completion tokens are all image tokens.
      base[OUTPUT] = price(v, "output_cost_per_image_token");
    }
    BigDecimal perRequest = price(v, "input_cost_per_request");
    base[PER_REQUEST] = perRequest != null ? perRequest : price(v, "input_cost_per_query");
    JsonNode search = v.get("search_context_cost_per_query");
    if (search != null && search.isObject()) {
      // Web search is priced by search context size (low/medium/high); usage does not say which size
      // was used, so costpipe takes the medium size, the providers' default.
      base[PER_WEB_SEARCH] = price(search, "search_context_size_medium");
    } else if (search != null && !search.isNull()) {
      base[PER_WEB_SEARCH] = price(v, "search_context_cost_per_query");
    }
  }

  /** {@code <token rate key>_flex|_priority|_batches} → that service tier's rate. */
  private static void readServiceTiers(JsonNode v, Map<String, BigDecimal[]> modes) throws Unreadable {
    for (Map.Entry<String, String> suffix : SERVICE_TIER_SUFFIXES.entrySet()) {
      for (Map.Entry<String, Integer> k : TOKEN_KEYS.entrySet()) {
        BigDecimal rate = price(v, k.getKey() + suffix.getKey());
        if (rate != null) {
          modes.computeIfAbsent(suffix.getValue(), m -> new BigDecimal[COUNT])[k.getValue()] = rate;
        }
      }
    }
  }

  /** {@code <token rate key>_above_<N>k_tokens_flex|_priority|_batches} → that mode's rate in that tier. */
  private static void readTieredServiceTiers(JsonNode v, Map<String, Map<Long, BigDecimal[]>> out)
      throws Unreadable {
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      for (Map.Entry<String, String> suffix : SERVICE_TIER_SUFFIXES.entrySet()) {
        if (!name.endsWith(suffix.getKey())) {
          continue;
        }
        Matcher m = ABOVE_TOKENS.matcher(name.substring(0, name.length() - suffix.getKey().length()));
        Integer slot = m.matches() ? TOKEN_KEYS.get(m.group(1)) : null;
        if (slot != null) {
          out.computeIfAbsent(suffix.getValue(), k -> new TreeMap<>())
              .computeIfAbsent(Long.parseLong(m.group(2)) * 1000L, t -> new BigDecimal[COUNT])[slot] = price(v, name);
        }
      }
    }
  }

  /**
   * A mode LiteLLM also prices per context tier ({@code input_cost_per_token_above_272k_tokens_flex}) is
   * one multiplier over whichever rates apply, base or tier, when every rate it gives is the same multiple
   * of the standard rate it replaces (in LiteLLM 2026-08-01 always so: flex 0.5, priority 2 or 1.8); a
   * mode of absolute rates would replace a tier's rates with the base ones. Null when they disagree (the
   * mode's base rates are kept, as for a mode without tier rates).
   */
  private static BigDecimal uniformMultiplier(BigDecimal[] base, BigDecimal[] baseMode, Map<Long, BigDecimal[]> tiers,
      Map<Long, BigDecimal[]> tierModes) {
    BigDecimal[] multiplier = new BigDecimal[1];
    boolean alike = sameMultiple(base, baseMode, multiplier);
    for (Map.Entry<Long, BigDecimal[]> t : tierModes.entrySet()) {
      BigDecimal[] standard = tiers.get(t.getKey());
      alike &= standard != null && sameMultiple(standard, t.getValue(), multiplier);
    }
    return alike ? multiplier[0] : null;
  }

  /** Whether each rate of {@code mode} is {@code multiplier[0]} times the same slot of {@code standard} (set on first use). */
  private static boolean sameMultiple(BigDecimal[] standard, BigDecimal[] mode, BigDecimal[] multiplier) {
    for (int i = 0; i < COUNT; i++) {
      if (mode[i] == null) {
        continue;
      }
      if (standard[i] == null || standard[i].signum() == 0) {
        return false;
      }
      if (multiplier[0] == null) {
        multiplier[0] = mode[i].divide(standard[i], MathContext.DECIMAL64).stripTrailingZeros();
      }
      if (standard[i].multiply(multiplier[0]).compareTo(mode[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code <token rate key>_above_<N>k_tokens} → a tier above N×1000 input tokens. */
  private static void readAboveTiers(JsonNode v, Map<Long, BigDecimal[]> tiers) throws Unreadable {
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (isServiceTierVariant(name)) {
        continue;
      }
      Matcher m = ABOVE_TOKENS.matcher(name);
      if (!m.matches()) {
        continue;
      }
      Integer slot = TOKEN_KEYS.get(m.group(1));
      if (slot == null) {
        continue; // e.g. input_cost_per_character_above_128k_tokens: not a token rate
      }
      long threshold = Long.parseLong(m.group(2)) * 1000L;
      tiers.computeIfAbsent(threshold, t -> new BigDecimal[COUNT])[slot] = price(v, name);
    }
  }

  /**
   * {@code tiered_pricing}: rows {@code {"range": [start, end], <token rates>}}. The row starting at 0
   * sets the base rates it gives (over the entry's top-level ones); every other row is a tier above its start.
   * Returns false when the table is not shaped that way (e.g. search priced by {@code max_results_range}).
   */
  private static boolean readTieredPricing(JsonNode table, BigDecimal[] base, Map<Long, BigDecimal[]> tiers)
      throws Unreadable {
    if (!table.isArray() || table.isEmpty()) {
      return false;
    }
    Map<Long, BigDecimal[]> rows = new TreeMap<>();
    for (JsonNode row : table) {
      JsonNode range = row.get("range");
      if (!row.isObject() || range == null || !range.isArray() || range.size() != 2
          || !range.get(0).isNumber() || !range.get(1).isNumber() || range.get(0).decimalValue().signum() < 0) {
        return false;
      }
      BigDecimal[] rates = new BigDecimal[COUNT];
      boolean any = false;
      for (Map.Entry<String, Integer> k : TOKEN_KEYS.entrySet()) {
        rates[k.getValue()] = price(row, k.getKey());
        any |= rates[k.getValue()] != null;
      }
      long start = range.get(0).decimalValue().setScale(0, RoundingMode.FLOOR).longValueExact();
      if (!any || rows.put(start, rates) != null) {
        return false;
      }
    }
    if (!rows.containsKey(0L)) {
      return false;
    }
    // LiteLLM bills every token of a request at the row its input falls in (start < input <= end), a
    // row's missing cache/reasoning rates at that row's input/output rate, never the top-level ones
    // (litellm_core_utils/llm_cost_calc/tiered_pricing.py): the first row replaces the base token rates.
    BigDecimal[] first = rows.remove(0L);
    withinRowFallbacks(first, base);
    for (int i = 0; i < COUNT; i++) {
      if (first[i] != null) {
        base[i] = first[i];
      }
    }
    for (Map.Entry<Long, BigDecimal[]> row : rows.entrySet()) {
      BigDecimal[] rates = row.getValue();
      withinRowFallbacks(rates, base);
      BigDecimal[] merged = tiers.computeIfAbsent(row.getKey(), t -> new BigDecimal[COUNT]);
      for (int i = 0; i < COUNT; i++) {
        if (merged[i] == null) {
          merged[i] = rates[i];
        }
      }
    }
    return true;
  }

  /**
   * A PriceTier's missing rates fall back to the base's, while LiteLLM bills a row's missing cache and
   * reasoning rates at that row's input/output rate: make the row's own fallbacks explicit where the
   * base gives the rate (elsewhere costpipe's fallback chain gives the same).
   */
  private static void withinRowFallbacks(BigDecimal[] rates, BigDecimal[] base) {
    for (int i = 0; i < COUNT; i++) {
      if (rates[i] == null && base[i] != null && TIER_PARENT[i] >= 0) {
        rates[i] = tierFallback(rates, i);
      }
    }
  }

  private static BigDecimal tierFallback(BigDecimal[] rates, int slot) {
    for (int p = TIER_PARENT[slot]; p >= 0; p = TIER_PARENT[p]) {
      if (rates[p] != null) {
        return rates[p];
      }
    }
    return null;
  }

  /** A {@code _batches}, {@code _priority} or {@code _flex} variant of a rate key. */
  static boolean isServiceTierVariant(String name) {
    return name.endsWith("_batches") || name.endsWith("_priority") || name.endsWith("_flex");
  }


  /** The exact decimal at {@code field}, null when absent; a non-number or negative is invalid. */
  private static BigDecimal price(JsonNode n, String field) throws Unreadable {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new Unreadable(INVALID_PRICE);
    }
    BigDecimal d = v.isBigDecimal() || v.isIntegralNumber() ? v.decimalValue() : new BigDecimal(v.asText());
    if (d.signum() < 0) {
      throw new Unreadable(INVALID_PRICE);
    }
    return d;
  }
}
