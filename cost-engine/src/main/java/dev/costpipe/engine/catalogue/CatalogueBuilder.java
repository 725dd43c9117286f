package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.pricing.Rates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the generated part of the built-in catalogue from the two upstream catalogues, merged by
 * provider and model: genai-prices where it has the model (its {@code match} rule recognises LiteLLM's id;
 * it dates its price changes), LiteLLM's for the rest, and a curated entry (the hand-kept provider files)
 * over both. Only LiteLLM's chat, completion, responses and embedding models are taken. Every price the
 * two upstreams give differently for the same model is listed as a {@link Disagreement}. genai-prices has
 * no billing modes: where it wins a model, LiteLLM's (flex, priority, batch) are kept when their base rates
 * agree ({@link LiteLlmModes}).
 */
public final class CatalogueBuilder {
  public static final String LITELLM_SOURCE =
      "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json";
  static final Set<String> MODES = Set.of("chat", "completion", "responses", "embedding");

  static final String CURATED = "every id covered by a curated entry";
  static final String BAD_IDS = "no id costpipe can list";
  static final String TAKEN_IDS = "ids listed by another entry";
  static final String TOO_DEAR = "fails sanity check: input rate >= $1000/Mtok";
  static final String CACHE_ABOVE_INPUT = "fails sanity check: cache read rate above input rate";

  /** Providers that sell models of their own making under their own name (the others resell). */
  private static final Set<String> MODEL_AUTHORS = Set.of("openai", "anthropic", "google", "mistral", "deepseek",
      "xai", "cohere", "ai21", "amazon-nova", "meta", "minimax", "moonshot", "perplexity", "voyage",
      "zai", "zhipuai", "dashscope", "volcengine", "tencent", "sarvam", "gigachat", "inception",
      "text-completion-inception", "palm");
  private static final Pattern VALID_ID = Pattern.compile("^[a-z0-9@~][a-z0-9._:/@+~-]*$");
  private static final Pattern KEY_CHARS = Pattern.compile("[^a-z0-9._:-]");
  private static final BigDecimal MAX_INPUT_PER_TOKEN = BigDecimal.ONE.movePointLeft(3);

  private CatalogueBuilder() {}

  /** An upstream file and the date its prices were taken. */
  public record Upstream(Path file, LocalDate checked) {}

  /** What a build produced, and what it left out and why. */
  public record Result(List<PricingEntry> entries, Map<String, ProviderInfo> headers, ImportResult litellm,
      ImportResult genAiPrices, Map<String, Integer> litellmOutOfScope, int fromGenAiPrices, int fromLitellm,
      int litellmMatchedByGenAiPrices, Map<String, Integer> dropped, List<Disagreement> disagreements,
      int genAiModelsWithLitellmModes, List<LiteLlmModes.Case> modesNotTaken,
      List<LiteLlmModes.Case> modesCuratedCouldTake) {}

  /** A generated endpoint while it is being merged. */
  private static final class Draft {
    final String provider;
    final String deployment;
    final String name;
    final Set<String> ids;
    final List<PricePeriod> periods;
    final String source;
    final LocalDate checked;

    Draft(Endpoint ep, String name, String source, LocalDate checked) {
      this.provider = ep.provider().replace('_', '-');
      this.deployment = ep.deployment();
      this.name = name;
      this.ids = new LinkedHashSet<>(ep.ids());
      this.periods = new ArrayList<>(ep.periods());
      this.source = source;
      this.checked = checked;
    }
  }

  public static Result build(Upstream litellm, Upstream genAiPrices, Catalogue curated) {
    GenAiPricesImporter.Bundle bundle = GenAiPricesImporter.read(genAiPrices.file());
    ImportResult lite = LiteLlmImporter.importFrom(litellm.file());
    Map<String, String> modes = modes(litellm.file());

    List<Draft> drafts = new ArrayList<>();
    Map<String, List<GenAiPricesImporter.Model>> genAiByProvider = new HashMap<>();
    Map<GenAiPricesImporter.Model, Draft> genAiDrafts = new IdentityHashMap<>();
    for (GenAiPricesImporter.Model m : bundle.models()) {
      if (m.entry() != null) {
        Draft d = new Draft(m.entry().endpoints().get(0), m.entry().name(), GenAiPricesImporter.SOURCE,
            genAiPrices.checked());
        drafts.add(d);
        genAiDrafts.put(m, d);
        genAiByProvider.computeIfAbsent(m.provider().id(), p -> new ArrayList<>()).add(m);
      }
    }
    int fromGenAi = drafts.size();

    Map<String, Integer> outOfScope = new TreeMap<>();
    List<Disagreement> disagreements = new ArrayList<>();
    List<LiteLlmModes.Case> modesNotTaken = new ArrayList<>();
    Map<String, LiteLlmModes.Case> curatedCouldTake = new LinkedHashMap<>();
    PricingRegistry curatedPrices = PricingRegistry.of(curated.entries());
    int matched = 0;
    var genAiDay = genAiPrices.checked().atStartOfDay(ZoneOffset.UTC).toInstant();
    var litellmDay = litellm.checked().atStartOfDay(ZoneOffset.UTC).toInstant();
    for (PricingEntry e : lite.entries()) {
      String mode = modes.get(e.name());
      if (mode == null || !MODES.contains(mode)) {
        outOfScope.merge("mode " + mode, 1, Integer::sum);
        continue;
      }
      Endpoint ep = e.endpoints().get(0);
      PricePeriod litePrice = ep.periods().get(0);
      Optional<PriceMatch> curatedHere = curatedOn(curatedPrices, ep);
      if (!litePrice.modes().isEmpty() && curatedHere.isPresent()) {
        curatedCouldTake(curatedHere.get(), ep, e.name(), litellmDay, curatedCouldTake);
      }
      GenAiPricesImporter.Model same = ep.deployment() != null ? null
          : sameModel(genAiByProvider.get(ep.provider()), ep.ids().get(0));
      if (same != null) {
        matched++;
        Draft d = genAiDrafts.get(same);
        d.ids.addAll(ep.ids());
        // LiteLLM prices only today, so its modes are those of the period genai-prices has in force when
        // taken (its latest started one); an earlier period had other base rates, whose modes are unknown
        PricePeriod now = same.entry().endpoints().get(0).periodAt(genAiDay);
        disagreements.addAll(Disagreement.between(ep.provider(), same.id(), e.name(), litePrice, now));
        // a curated entry prices this LiteLLM entry's ids: the generated entry will not list them
        if (!litePrice.modes().isEmpty() && curatedHere.isEmpty()) {
          if (LiteLlmModes.sameBaseRates(litePrice, now)) {
            LiteLlmModes.addTo(d.periods, now, litePrice.modes());
          } else {
            modesNotTaken.add(new LiteLlmModes.Case(ep.provider(), same.id(), e.name(), litePrice.modes().keySet()));
          }
        }
      } else {
        drafts.add(new Draft(ep, e.name(), LITELLM_SOURCE, litellm.checked()));
      }
    }
    int fromLite = drafts.size() - fromGenAi;

    Map<String, Integer> dropped = new TreeMap<>();
    List<PricingEntry> entries = merge(drafts, curated, curatedPrices, dropped);
    // genai-prices has no modes: those its entries have are LiteLLM's
    long kept = entries.stream().flatMap(en -> en.endpoints().stream())
        .filter(ep -> ep.source().equals(GenAiPricesImporter.SOURCE))
        .filter(ep -> ep.periods().stream().anyMatch(p -> !p.modes().isEmpty())).count();
    return new Result(entries, headers(entries, curated, bundle), lite, bundle.result(), outOfScope, fromGenAi,
        fromLite, matched, dropped, disagreements, (int) kept, modesNotTaken,
        List.copyOf(curatedCouldTake.values()));
  }

  /** The curated entry that prices a LiteLLM entry's id on its provider, if any. */
  private static Optional<PriceMatch> curatedOn(PricingRegistry curatedPrices, Endpoint ep) {
    String provider = ep.provider().replace('_', '-');
    return curatedPrices.resolve(provider, ep.ids().get(0), ep.deployment())
        .filter(m -> m.endpoint().provider().equals(provider));
  }

  /**
   * Notes, once per curated entry, the LiteLLM modes it lacks where LiteLLM prices the same id at the
   * same base rates: a hand-written file is only changed by hand.
   */
  private static void curatedCouldTake(PriceMatch curated, Endpoint ep, String litellmKey, Instant litellmDay,
      Map<String, LiteLlmModes.Case> cases) {
    PricePeriod lite = ep.periods().get(0);
    PricePeriod now = curated.endpoint().periodAt(litellmDay);
    Set<String> missing = LiteLlmModes.missing(lite, now).keySet();
    if (!missing.isEmpty() && LiteLlmModes.sameBaseRates(lite, now)) {
      String provider = curated.endpoint().provider();
      cases.putIfAbsent(provider + "/" + curated.modelKey(),
          new LiteLlmModes.Case(provider, curated.modelKey(), litellmKey, missing));
    }
  }

  /** The first genai-prices model of the provider whose match rule accepts the id (genai-prices' own order). */
  private static GenAiPricesImporter.Model sameModel(List<GenAiPricesImporter.Model> models, String id) {
    if (models != null) {
      for (GenAiPricesImporter.Model m : models) {
        if (m.match().matches(id)) {
          return m;
        }
      }
    }
    return null;
  }

  /**
   * Curated entries win; then every id is listed once per provider and deployment; then keys are made
   * unique, but for an author's own endpoint of a curated model, which joins it.
   */
  private static List<PricingEntry> merge(List<Draft> drafts, Catalogue curated, PricingRegistry curatedPrices,
      Map<String, Integer> dropped) {
    Set<String> keys = new HashSet<>();
    // a curated model sold elsewhere (deepseek/deepseek-v4-pro on Fireworks) whose author's own endpoint is
    // generated: that endpoint joins the curated entry under its key
    Map<String, Set<String>> joinable = new HashMap<>();
    Map<String, Set<String>> idsByScope = new HashMap<>();
    for (PricingEntry e : curated.entries()) {
      keys.add(e.modelKey());
      Set<String> sellers = new HashSet<>();
      e.endpoints().forEach(ep -> sellers.add(ep.provider()));
      joinable.put(e.modelKey(), sellers);
      for (Endpoint ep : e.endpoints()) {
        idsByScope.computeIfAbsent(ep.provider() + "/" + ep.deployment(), s -> new HashSet<>()).addAll(ep.ids());
      }
    }
    List<PricingEntry> out = new ArrayList<>();
    for (Draft d : drafts) {
      // an id a curated entry prices on this provider (as listed, or by its aliases) is the curated entry's
      d.ids.removeIf(id -> curatedPrices.resolve(d.provider, id, d.deployment)
          .filter(m -> m.endpoint().provider().equals(d.provider)).isPresent());
      String reason = d.ids.isEmpty() ? CURATED : null;
      d.ids.removeIf(id -> !VALID_ID.matcher(id).matches());
      if (reason == null && d.ids.isEmpty()) {
        reason = BAD_IDS;
      }
      if (reason == null) {
        reason = insane(d.periods);
      }
      Set<String> taken = idsByScope.computeIfAbsent(d.provider + "/" + d.deployment, s -> new HashSet<>());
      if (reason == null) {
        d.ids.removeIf(taken::contains);
        if (d.ids.isEmpty()) {
          reason = TAKEN_IDS;
        }
      }
      if (reason != null) {
        dropped.merge(reason, 1, Integer::sum);
        continue;
      }
      taken.addAll(d.ids);
      String key = uniqueKey(d, keys, joinable);
      out.add(new PricingEntry(key, d.name, List.of(new Endpoint(d.provider, d.deployment, List.copyOf(d.ids),
          d.source, d.checked.toString(), d.periods))));
    }
    return out;
  }

  /**
   * {@code <provider>/<first listed id>} ({@code <provider>-hosted/…} for a reseller), made a valid key
   * ({@code /} → {@code .}, other characters → {@code -}): the first id left after the curated ones were
   * taken, so that the key names no id of a curated entry (the registry finds an entry by its key's model
   * part too).
   */
  private static String uniqueKey(Draft d, Set<String> keys, Map<String, Set<String>> joinable) {
    String model = KEY_CHARS.matcher(d.ids.iterator().next().replace('/', '.')).replaceAll("-");
    model = model.replaceAll("^[^a-z0-9]+", "");
    // the registry prices a model a provider does not list at its author's own price, the author being
    // the key's first part: a reseller's entry must not pass for its author's
    String author = MODEL_AUTHORS.contains(d.provider) ? d.provider : d.provider + "-hosted";
    String key = author + "/" + model;
    Set<String> sellers = joinable.get(key);
    if (sellers != null && author.equals(d.provider) && d.deployment == null && sellers.add(d.provider)) {
      return key;
    }
    for (int n = 2; !keys.add(key); n++) {
      key = author + "/" + model + "-" + n;
    }
    return key;
  }

  /** Why these prices look wrong (a per-token rate given per million, a cache read dearer than input), else null. */
  private static String insane(List<PricePeriod> periods) {
    for (PricePeriod p : periods) {
      List<Rates> all = new ArrayList<>();
      all.add(p.rates());
      for (PriceTier t : p.tiers()) {
        all.add(t.rates().over(p.rates()));
      }
      for (Rates r : all) {
        Rates f = r.withFallbacks();
        if (f.input().compareTo(MAX_INPUT_PER_TOKEN) >= 0) {
          return TOO_DEAR;
        }
        if (f.cacheRead().compareTo(f.input()) > 0) {
          return CACHE_ABOVE_INPUT;
        }
      }
    }
    return null;
  }

  /** Each provider's header: the curated one, else genai-prices' (name, pricing page, URL pattern). */
  private static Map<String, ProviderInfo> headers(List<PricingEntry> entries, Catalogue curated,
      GenAiPricesImporter.Bundle bundle) {
    Map<String, ProviderInfo> headers = new LinkedHashMap<>();
    curated.providers().forEach(p -> headers.putIfAbsent(p.id(), p));
    for (GenAiPricesImporter.Provider p : bundle.providers()) {
      if (!headers.containsKey(p.id()) && p.pricingUrl() != null && p.pricingUrl().startsWith("http")
          && p.apiPattern() != null) {
        headers.put(p.id(), new ProviderInfo(p.id(), p.name(), p.pricingUrl(), Pattern.compile(p.apiPattern())));
      }
    }
    Set<String> used = new HashSet<>();
    entries.forEach(e -> e.endpoints().forEach(ep -> used.add(ep.provider())));
    headers.keySet().retainAll(used);
    return headers;
  }

  /** LiteLLM key → its {@code mode}. */
  private static Map<String, String> modes(Path litellm) {
    try {
      JsonNode root = Json.MAPPER.readTree(litellm.toFile());
      Map<String, String> modes = new HashMap<>();
      root.fields().forEachRemaining(f -> modes.put(f.getKey(), f.getValue().path("mode").asText(null)));
      return modes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
