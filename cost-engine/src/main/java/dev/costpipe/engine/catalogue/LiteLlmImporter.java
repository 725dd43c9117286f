package dev.costpipe.engine.catalogue;

import static dev.costpipe.engine.catalogue.RateSlots.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.provider.LiteLlmProviders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
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

    LiteLlmRates entryRates;
    try {
      entryRates = LiteLlmRates.read(v);
    } catch (LiteLlmRates.Unreadable e) {
      return Outcome.skip(e.reason());
    }
    BigDecimal[] base = entryRates.base();

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
    PricePeriod period = new PricePeriod(Instant.EPOCH, rates(base), entryRates.priceTiers(), entryRates.priceModes());
    Endpoint endpoint = new Endpoint(provider, deployment, ids, SOURCE, null, List.of(period));
    return new Outcome(new PricingEntry(provider + "/" + modelId, key, List.of(endpoint)), null);
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
        if (!name.startsWith(prefix) || !name.contains("cost") || LiteLlmRates.isServiceTierVariant(name)
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

  private static boolean isZeroOrNull(BigDecimal d) {
    return d == null || d.signum() == 0;
  }


}
