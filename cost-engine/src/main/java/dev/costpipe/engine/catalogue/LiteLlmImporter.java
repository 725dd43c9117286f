package dev.costpipe.engine.catalogue;

import static dev.costpipe.engine.catalogue.RateSlots.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.provider.LiteLlmProviders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports LiteLLM's community price catalogue ({@code model_prices_and_context_window.json}) into
 * pricing entries: one entry per LiteLLM key, every number taken exactly as written in the JSON text.
 *
 * <p>What is read, per entry:
 * <ul>
 *   <li>token rates: {@code input_cost_per_token}, {@code output_cost_per_token},
 *       {@code cache_read_input_token_cost} (else the older {@code input_cost_per_token_cache_hit}),
 *       {@code cache_creation_input_token_cost}, {@code cache_creation_input_token_cost_above_1hr},
 *       {@code output_cost_per_reasoning_token}, {@code input_cost_per_audio_token},
 *       {@code output_cost_per_audio_token}, {@code input_cost_per_image_token} (image prompt tokens:
 *       gpt-image-1, gpt-realtime, gemini-3.1-flash-live-preview), {@code input_cost_per_video_token}; for image-generation models that price output only as
 *       {@code output_cost_per_image_token} (gpt-image-1), that rate is the output rate;</li>
 *   <li>per-call fees: {@code input_cost_per_request} or {@code input_cost_per_query} (rerank: one
 *       query per request) → per request; {@code search_context_cost_per_query} → per web search;</li>
 *   <li>tiers: any {@code <rate>_above_<N>k_tokens} key → a tier above N×1000 input tokens, and
 *       {@code tiered_pricing} tables whose rows are input-token {@code range}s (Alibaba/Volcengine:
 *       the tier is chosen by the request's input tokens, {@code start < input <= end}, and every token
 *       of the request is billed at it — the same whole-request semantics as {@link PriceTier}).</li>
 * </ul>
 * Entries that are not models, or whose price is not per token (per second, character, pixel,
 * image, query, page), are skipped with a counted reason.
 */
public final class LiteLlmImporter {
  public static final String SOURCE = "litellm:model_prices_and_context_window.json";


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
  private static final Pattern AWS_REGION = Pattern.compile("^[a-z]{2}(-gov)?-[a-z]+-\\d+$");
  private static final Set<String> AZURE_DATA_ZONES = Set.of("eu", "us", "global", "global-standard");
  private static final Set<String> NOT_MODELS = Set.of("sample_spec", "fallback_generalizations");

  /** Units a non-token model is priced in, as (key fragment, reason), most telling first. */
  private static final String[][] UNITS = {
      {"_per_second", "priced per second"},
      {"_per_character", "priced per character"},
      {"_per_pixel", "priced per pixel"},
      {"_per_image", "priced per image"},
      {"_per_page", "priced per page"},
      {"_per_credit", "priced per credit"},
      {"_per_query", "priced per query"},
  };

  static final String NOT_AN_OBJECT = "not an object";
  static final String NOT_A_MODEL = "not a model";
  static final String NO_PROVIDER = "no litellm_provider";
  static final String NO_TOKEN_PRICES = "no token prices";
  static final String BAD_TIERED_PRICING = "tiered_pricing not by input tokens";
  static final String INVALID_PRICE = "invalid price value";
  static final String DUPLICATE = "duplicate key";

  private LiteLlmImporter() {}

  public static ImportResult importFrom(Path json) {
    try (InputStream in = Files.newInputStream(json)) {
      return importFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read LiteLLM catalogue " + json + ": " + e.getMessage(), e);
    }
  }

  public static ImportResult importFrom(InputStream json) {
    JsonNode root;
    try {
      root = EXACT_JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a LiteLLM price catalogue: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a LiteLLM price catalogue: the top level is not a JSON object");
    }
    List<PricingEntry> entries = new ArrayList<>();
    Map<String, Integer> skipped = new TreeMap<>();
    Set<String> seenKeys = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Outcome o = convert(field.getKey(), field.getValue());
      if (o.entry != null && !seenKeys.add(o.entry.modelKey())) {
        o = Outcome.skip(DUPLICATE);
      }
      if (o.entry != null) {
        entries.add(o.entry);
      } else {
        skipped.merge(o.reason, 1, Integer::sum);
      }
    }
    return new ImportResult(entries, entries.size(), skipped);
  }

  private record Outcome(PricingEntry entry, String reason) {
    static Outcome skip(String reason) {
      return new Outcome(null, reason);
    }
  }

  private static final class InvalidPrice extends Exception {
    InvalidPrice() {
      super(null, null, false, false);
    }
  }

  private static Outcome convert(String key, JsonNode v) {
    if (v == null || !v.isObject()) {
      return Outcome.skip(NOT_AN_OBJECT);
    }
    if (NOT_MODELS.contains(key)) {
      return Outcome.skip(NOT_A_MODEL);
    }
    JsonNode providerNode = v.get("litellm_provider");
    if (providerNode == null || !providerNode.isTextual() || providerNode.asText().isBlank()) {
      return Outcome.skip(NO_PROVIDER);
    }
    String litellmProvider = providerNode.asText();

    BigDecimal[] base = new BigDecimal[COUNT];
    Map<Long, BigDecimal[]> tiers = new TreeMap<>();
    Map<String, BigDecimal[]> modes = new TreeMap<>();
    Map<String, Map<Long, BigDecimal[]>> tierModes = new TreeMap<>();
    try {
      readBase(v, base);
      readAboveTiers(v, tiers);
      readServiceTiers(v, modes);
      readTieredServiceTiers(v, tierModes);
      JsonNode table = v.get("tiered_pricing");
      if (table != null && !table.isNull() && !readTieredPricing(table, base, tiers)) {
        return Outcome.skip(BAD_TIERED_PRICING);
      }
    } catch (InvalidPrice e) {
      return Outcome.skip(INVALID_PRICE);
    }

    if (base[INPUT] == null && base[OUTPUT] == null) {
      String unit = unitReason(v, "", true);
      return Outcome.skip(unit != null ? unit : NO_TOKEN_PRICES);
    }
    // A side with no token price but a (non-zero) price in another unit, or token prices that are all
    // zero next to a real price in another unit (e.g. dall-e-3: output 0 per token, input per pixel):
    // the token rates would under-price the call, so the entry is not token-priced.
    String unit = null;
    if (base[INPUT] == null) {
      unit = unitReason(v, "input_", false);
    }
    if (unit == null && base[OUTPUT] == null) {
      unit = unitReason(v, "output_", false);
    }
    if (unit == null && isZeroOrNull(base[INPUT]) && isZeroOrNull(base[OUTPUT])) {
      unit = unitReason(v, "", false);
    }
    if (unit != null) {
      return Outcome.skip(unit);
    }

    // Token-priced on one side only (embeddings: input only): the other side costs nothing.
    if (base[INPUT] == null) {
      base[INPUT] = BigDecimal.ZERO;
    }
    if (base[OUTPUT] == null) {
      base[OUTPUT] = BigDecimal.ZERO;
    }

    String provider = LiteLlmProviders.catalogueProvider(litellmProvider);
    String lowerKey = key.toLowerCase(Locale.ROOT);
    String modelId = stripProviderPrefix(lowerKey, litellmProvider.toLowerCase(Locale.ROOT), provider);
    String deployment = deployment(modelId, provider);

    List<String> ids = new ArrayList<>(3);
    ids.add(modelId);
    if (deployment != null) {
      // the id callers send, without the region the key is filed under
      ids.add(modelId.substring(deployment.length() + 1));
    }
    if (!ids.contains(lowerKey)) {
      ids.add(lowerKey);
    }
    List<PriceTier> priceTiers = new ArrayList<>();
    tiers.forEach((threshold, rates) -> priceTiers.add(new PriceTier(threshold, rates(rates))));
    Map<String, PriceMode> priceModes = new TreeMap<>();
    modes.forEach((name, rates) -> {
      BigDecimal multiplier = tierModes.containsKey(name)
          ? uniformMultiplier(base, rates, tiers, tierModes.get(name)) : null;
      priceModes.put(name, multiplier != null ? new PriceMode(multiplier, null) : new PriceMode(null, rates(rates)));
    });
    PricePeriod period = new PricePeriod(Instant.EPOCH, rates(base), priceTiers, priceModes);
    Endpoint endpoint = new Endpoint(provider, deployment, ids, SOURCE, null, List.of(period));
    return new Outcome(new PricingEntry(provider + "/" + modelId, key, List.of(endpoint)), null);
  }

  private static void readBase(JsonNode v, BigDecimal[] base) throws InvalidPrice {
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
  private static void readServiceTiers(JsonNode v, Map<String, BigDecimal[]> modes) throws InvalidPrice {
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
      throws InvalidPrice {
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
  static BigDecimal uniformMultiplier(BigDecimal[] base, BigDecimal[] baseMode, Map<Long, BigDecimal[]> tiers,
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
  private static void readAboveTiers(JsonNode v, Map<Long, BigDecimal[]> tiers) throws InvalidPrice {
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
      throws InvalidPrice {
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

  /**
   * The unit a model is priced in when it is not (only) tokens: the first unit with a non-zero price
   * among keys starting with {@code prefix}, or, when {@code allowZero}, with any price at all. Query
   * prices count only when {@code allowZero} (otherwise they are per-request fees of a token model).
   */
  private static String unitReason(JsonNode v, String prefix, boolean allowZero) {
    for (String[] unit : UNITS) {
      if (!allowZero && unit[0].equals("_per_query")) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String name = f.getKey();
        if (!name.startsWith(prefix) || !name.contains("cost") || isServiceTierVariant(name)
            || !name.contains(unit[0]) || name.contains("_per_image_token")) {
          continue;
        }
        JsonNode value = f.getValue();
        if (value.isNumber() && (allowZero || value.decimalValue().signum() != 0)) {
          return unit[1];
        }
      }
    }
    return null;
  }

  /** Removes a leading {@code <litellm prefix>/} from the (lower-cased) key. */
  private static String stripProviderPrefix(String lowerKey, String litellmProvider, String provider) {
    int slash = lowerKey.indexOf('/');
    if (slash <= 0 || slash == lowerKey.length() - 1) {
      return lowerKey;
    }
    String first = lowerKey.substring(0, slash);
    boolean isPrefix = first.equals(litellmProvider)
        || first.replace('-', '_').equals(litellmProvider.replace('-', '_'))
        || provider.equals(LiteLlmProviders.catalogueProvider(first));
    return isPrefix ? lowerKey.substring(slash + 1) : lowerKey;
  }

  /** The region a key encodes ({@code bedrock/us-west-2/…}, Azure data zones {@code azure/eu/…}), else null. */
  private static String deployment(String modelId, String provider) {
    int slash = modelId.indexOf('/');
    if (slash <= 0) {
      return null;
    }
    String first = modelId.substring(0, slash);
    if (AWS_REGION.matcher(first).matches()) {
      return first;
    }
    if (provider.equals("azure") && AZURE_DATA_ZONES.contains(first)) {
      return first;
    }
    return null;
  }

  private static boolean isServiceTierVariant(String name) {
    return name.endsWith("_batches") || name.endsWith("_priority") || name.endsWith("_flex");
  }

  private static boolean isZeroOrNull(BigDecimal d) {
    return d == null || d.signum() == 0;
  }

  /** The exact decimal at {@code field}, null when absent; a non-number or negative is invalid. */
  private static BigDecimal price(JsonNode n, String field) throws InvalidPrice {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new InvalidPrice();
    }
    BigDecimal d = v.isBigDecimal() || v.isIntegralNumber() ? v.decimalValue() : new BigDecimal(v.asText());
    if (d.signum() < 0) {
      throw new InvalidPrice();
    }
    return d;
  }

}
