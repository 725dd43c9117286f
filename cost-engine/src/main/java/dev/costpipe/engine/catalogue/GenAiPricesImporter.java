package dev.costpipe.engine.catalogue;

import static dev.costpipe.engine.catalogue.RateSlots.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Imports pydantic/genai-prices' price data (its JSON bundle, schema v2: a list of providers, each with
 * models carrying {@code match} rules and prices per million tokens) into pricing entries: one entry
 * per model, keyed {@code <costpipe provider>/<model id>}, every number exactly as written.
 *
 * <p>What is read, per model:
 * <ul>
 *   <li>{@code input_mtok}, {@code output_mtok}, {@code cache_read_mtok}, {@code cache_write_mtok},
 *       {@code cache_write_1h_mtok}, {@code output_reasoning_mtok}, {@code input_audio_mtok},
 *       {@code output_audio_mtok}, {@code output_image_mtok} (image output), {@code cache_audio_read_mtok}
 *       (cached audio), {@code input_image_mtok} and {@code input_video_mtok} (uncached image and video prompt
 *       tokens); {@code requests_kcount} → per request, {@code web_searches_kcount} →
 *       per web search (both per thousand upstream);</li>
 *   <li>tiered prices {@code {base, tiers: [{start, price}]}}: genai-prices picks the tier by the request's
 *       total input tokens ({@code input > start}) and bills every token at it, as a {@link PriceTier}
 *       does; each tier threshold of any price becomes one tier holding every rate in force above it;</li>
 *   <li>a list of conditional prices: the first without constraint, the rest with {@code start_date},
 *       become dated price periods (genai-prices applies the latest started one, else the first).</li>
 * </ul>
 * What costpipe's price model cannot express is skipped with a counted reason, never approximated:
 * time-of-day windows, cached-image, video-output or citation token prices that differ from the rate
 * costpipe bills those tokens at, price fields it does not know, models with no token prices.
 */
public final class GenAiPricesImporter {
  public static final String SOURCE = "https://github.com/pydantic/genai-prices/blob/main/prices/data.json";


  private static final Map<String, Integer> PER_MTOK = Map.ofEntries(
      Map.entry("input_mtok", INPUT),
      Map.entry("output_mtok", OUTPUT),
      Map.entry("cache_read_mtok", CACHE_READ),
      Map.entry("cache_write_mtok", CACHE_WRITE),
      Map.entry("cache_write_1h_mtok", CACHE_WRITE_1H),
      Map.entry("output_reasoning_mtok", REASONING),
      Map.entry("input_audio_mtok", AUDIO_INPUT),
      Map.entry("output_audio_mtok", AUDIO_OUTPUT),
      Map.entry("output_image_mtok", IMAGE_OUTPUT),
      Map.entry("cache_audio_read_mtok", CACHE_READ_AUDIO),
      Map.entry("input_image_mtok", IMAGE_INPUT),
      Map.entry("input_video_mtok", VIDEO_INPUT));
  private static final Map<String, Integer> PER_THOUSAND = Map.of(
      "web_searches_kcount", PER_WEB_SEARCH,
      "requests_kcount", PER_REQUEST);
  /**
   * Prices of tokens costpipe does not count apart: cached images as cache reads (image_input_tokens are the
   * uncached ones), video and citation output as output. Exact only when equal to that rate.
   */
  private static final Map<String, Integer> BILLED_AS = Map.of(
      "cache_image_read_mtok", CACHE_READ,
      "output_video_mtok", OUTPUT,
      "output_citation_mtok", OUTPUT);
  private static final List<String> EXTRA = List.copyOf(new TreeSet<>(BILLED_AS.keySet()));

  static final String TIME_OF_DAY = "time-of-day prices";
  static final String NO_TOKEN_PRICES = "no token prices";
  static final String DUPLICATE = "duplicate key";
  static final String BAD_CONSTRAINT = "price constraint not understood";
  static final String DATES_OUT_OF_ORDER = "price start dates out of order";
  static final String INVALID_PRICE = "invalid price value";
  static final String BAD_MATCH = "match rule not understood";

  private GenAiPricesImporter() {}

  /** A provider of the bundle, with its costpipe id and its header fields. */
  public record Provider(String id, String genAiId, String name, String pricingUrl, String apiPattern) {}

  /** A model of the bundle: its match rule and its entry, or (entry null) why it was skipped. */
  public record Model(Provider provider, String id, GenAiModelMatch match, PricingEntry entry, String skipReason) {}

  /** The whole bundle as read. */
  public record Bundle(List<Provider> providers, List<Model> models) {
    public Bundle {
      providers = List.copyOf(providers);
      models = List.copyOf(models);
    }

    public ImportResult result() {
      List<PricingEntry> entries = new ArrayList<>();
      Map<String, Integer> skipped = new TreeMap<>();
      for (Model m : models) {
        if (m.entry() != null) {
          entries.add(m.entry());
        } else {
          skipped.merge(m.skipReason(), 1, Integer::sum);
        }
      }
      return new ImportResult(entries, entries.size(), skipped);
    }
  }

  public static ImportResult importFrom(Path json) {
    return read(json).result();
  }

  public static ImportResult importFrom(InputStream json) {
    return read(json).result();
  }

  public static Bundle read(Path json) {
    try (InputStream in = Files.newInputStream(json)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read genai-prices data " + json + ": " + e.getMessage(), e);
    }
  }

  public static Bundle read(InputStream json) {
    JsonNode root;
    try {
      root = EXACT_JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not genai-prices data: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("not genai-prices data: the top level is not a JSON array of providers");
    }
    List<Provider> providers = new ArrayList<>();
    List<Model> models = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (JsonNode p : root) {
      if (!p.path("id").isTextual() || !p.path("models").isArray()) {
        throw new IllegalArgumentException("not genai-prices data: a provider without id or models: "
            + abbreviate(p.toString()));
      }
      String genAiId = p.get("id").asText();
      Provider provider = new Provider(GenAiPricesProviders.toCostpipe(genAiId), genAiId,
          p.path("name").asText(genAiId), p.path("pricing_urls").path(0).asText(null),
          p.path("api_pattern").asText(null));
      providers.add(provider);
      for (JsonNode m : p.get("models")) {
        Model model = convert(provider, m);
        if (model.entry() != null && !keys.add(model.entry().modelKey())) {
          model = new Model(provider, model.id(), model.match(), null, DUPLICATE);
        }
        models.add(model);
      }
    }
    return new Bundle(providers, models);
  }

  private static final class Skip extends Exception {
    Skip(String reason) {
      super(reason, null, false, false);
    }
  }

  private static Model convert(Provider provider, JsonNode m) {
    String id = m.path("id").asText("").trim();
    GenAiModelMatch match;
    try {
      match = GenAiModelMatch.parse(m.get("match"));
    } catch (RuntimeException e) {
      return new Model(provider, id, null, null, BAD_MATCH);
    }
    try {
      if (id.isEmpty()) {
        throw new Skip(BAD_MATCH);
      }
      List<PricePeriod> periods = periods(m.get("prices"));
      String lowerId = id.toLowerCase(Locale.ROOT);
      List<String> ids = new ArrayList<>();
      ids.add(lowerId);
      match.exactIds().stream().filter(x -> !ids.contains(x)).forEach(ids::add);
      Endpoint endpoint = new Endpoint(provider.id(), null, ids, SOURCE, null, periods);
      PricingEntry entry = new PricingEntry(provider.id() + "/" + lowerId, m.path("name").asText(id),
          List.of(endpoint));
      return new Model(provider, id, match, entry, null);
    } catch (Skip s) {
      return new Model(provider, id, match, null, s.getMessage());
    }
  }

  private static List<PricePeriod> periods(JsonNode prices) throws Skip {
    if (prices == null || prices.isObject()) {
      return List.of(period(Instant.EPOCH, prices));
    }
    if (!prices.isArray() || prices.isEmpty()) {
      throw new Skip(NO_TOKEN_PRICES);
    }
    List<PricePeriod> periods = new ArrayList<>();
    Instant previous = null;
    for (JsonNode conditional : prices) {
      JsonNode constraint = conditional.get("constraint");
      Instant from;
      if (constraint == null || constraint.isNull()) {
        if (previous != null) {
          throw new Skip(BAD_CONSTRAINT); // an unconditional price after the first hides every earlier one
        }
        from = Instant.EPOCH;
      } else if (constraint.has("start_time") || constraint.has("end_time")) {
        throw new Skip(TIME_OF_DAY);
      } else if (constraint.size() == 1 && constraint.path("start_date").isTextual()) {
        from = startDate(constraint.get("start_date").asText());
      } else {
        throw new Skip(BAD_CONSTRAINT);
      }
      if (previous != null && !from.isAfter(previous)) {
        throw new Skip(DATES_OUT_OF_ORDER);
      }
      previous = from;
      periods.add(period(from, conditional.get("prices")));
    }
    return periods;
  }

  private static Instant startDate(String date) throws Skip {
    try {
      return LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new Skip(BAD_CONSTRAINT);
    }
  }

  /** One set of prices: base rates, and one tier per threshold any tiered price starts at. */
  private static PricePeriod period(Instant from, JsonNode prices) throws Skip {
    if (prices == null || !prices.isObject()) {
      throw new Skip(NO_TOKEN_PRICES);
    }
    Map<String, TieredValue> values = new LinkedHashMap<>();
    TreeSet<Long> thresholds = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = prices.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      if (!PER_MTOK.containsKey(name) && !PER_THOUSAND.containsKey(name) && !BILLED_AS.containsKey(name)) {
        throw new Skip("price field " + name);
      }
      if (f.getValue().isNull()) {
        continue;
      }
      TieredValue v = TieredValue.of(f.getValue(), PER_THOUSAND.containsKey(name));
      thresholds.addAll(v.tiers.keySet());
      values.put(name, v);
    }
    if (!values.containsKey("input_mtok") && !values.containsKey("output_mtok")) {
      throw new Skip(NO_TOKEN_PRICES);
    }
    Rates base = rates(values, -1);
    List<PriceTier> tiers = new ArrayList<>();
    for (long t : thresholds) {
      tiers.add(new PriceTier(t, rates(values, t)));
    }
    return new PricePeriod(from, base, tiers);
  }

  /** The rates in force above {@code threshold} (-1: the base), with the billed-as prices checked. */
  private static Rates rates(Map<String, TieredValue> values, long threshold) throws Skip {
    BigDecimal[] r = new BigDecimal[COUNT];
    for (var e : PER_MTOK.entrySet()) {
      TieredValue v = values.get(e.getKey());
      r[e.getValue()] = v == null ? null : v.at(threshold).movePointLeft(6);
    }
    for (var e : PER_THOUSAND.entrySet()) {
      TieredValue v = values.get(e.getKey());
      r[e.getValue()] = v == null ? null : v.at(threshold).movePointLeft(3);
    }
    // an entry priced on one side only (embeddings: input) costs nothing on the other
    r[INPUT] = r[INPUT] == null ? BigDecimal.ZERO : r[INPUT];
    r[OUTPUT] = r[OUTPUT] == null ? BigDecimal.ZERO : r[OUTPUT];
    Rates rates = RateSlots.rates(r);
    Rates billed = rates.withFallbacks();
    for (String extra : EXTRA) {
      TieredValue v = values.get(extra);
      if (v == null) {
        continue;
      }
      BigDecimal as = switch (BILLED_AS.get(extra)) {
        case INPUT -> billed.input();
        case OUTPUT -> billed.output();
        default -> billed.cacheRead();
      };
      if (v.at(threshold).movePointLeft(6).compareTo(as) != 0) {
        throw new Skip(extra.replace("_mtok", "") + " price");
      }
    }
    return rates;
  }

  /** A price, flat or tiered by input tokens. */
  private record TieredValue(BigDecimal base, TreeMap<Long, BigDecimal> tiers) {
    static TieredValue of(JsonNode v, boolean flatOnly) throws Skip {
      if (v.isNumber()) {
        return new TieredValue(price(v), new TreeMap<>());
      }
      if (flatOnly || !v.isObject() || !v.path("tiers").isArray() || v.size() != 2) {
        throw new Skip(INVALID_PRICE);
      }
      TreeMap<Long, BigDecimal> tiers = new TreeMap<>();
      for (JsonNode t : v.get("tiers")) {
        JsonNode start = t.get("start");
        if (start == null || !start.canConvertToExactIntegral() || start.asLong() < 0
            || tiers.put(start.asLong(), price(t.get("price"))) != null) {
          throw new Skip(INVALID_PRICE);
        }
      }
      return new TieredValue(price(v.get("base")), tiers);
    }

    BigDecimal at(long threshold) {
      var tier = tiers.floorEntry(threshold);
      return tier == null ? base : tier.getValue();
    }

    private static BigDecimal price(JsonNode v) throws Skip {
      if (v == null || !v.isNumber() || v.decimalValue().signum() < 0) {
        throw new Skip(INVALID_PRICE);
      }
      return v.decimalValue();
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
