package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.pricing.TimeOfDayPrice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads costpipe's own catalogue format (one YAML file per provider, see
 * {@code catalogue/README.md}) into pricing entries: the same model key across provider files
 * becomes one entry with one endpoint per provider.
 */
public final class CatalogueLoader {
  private static final String BUILT_IN_DIR = "/catalogue/";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final ObjectMapper COMPACT = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  private static final Set<String> RATE_KEYS = Set.of("input_mtok", "output_mtok", "cache_read_mtok",
      "cache_write_mtok", "cache_write_1h_mtok", "reasoning_mtok", "audio_input_mtok", "audio_output_mtok",
      "image_output_mtok", "cache_read_audio_mtok", "image_input_mtok", "video_input_mtok", "per_web_search", "per_search_source",
      "per_server_tool_call", "per_image", "per_request");
  private static final Set<String> PERIOD_KEYS = with(RATE_KEYS, "effective_from", "effective_until", "tiers",
      "modes", "time_of_day");
  private static final Set<String> TIER_KEYS = with(RATE_KEYS, "above_input_tokens", "from_input_tokens");
  private static final Set<String> MODE_KEYS = with(RATE_KEYS, "multiplier");
  private static final Set<String> TIME_OF_DAY_KEYS = with(MODE_KEYS, "from", "until", "days");

  /** {@code time_of_day} days, as written in the catalogue. */
  static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
      "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
      "sun", DayOfWeek.SUNDAY);

  private static volatile Catalogue builtIn;

  private CatalogueLoader() {}

  /** The catalogue shipped in the jar (loaded once). */
  public static Catalogue builtIn() {
    Catalogue c = builtIn;
    if (c == null) {
      synchronized (CatalogueLoader.class) {
        c = builtIn;
        if (c == null) {
          c = loadBuiltIn();
          builtIn = c;
        }
      }
    }
    return c;
  }

  private static Catalogue loadBuiltIn() {
    Map<String, InputStream> files = new LinkedHashMap<>();
    for (String name : readIndex()) {
      InputStream in = CatalogueLoader.class.getResourceAsStream(BUILT_IN_DIR + name);
      if (in == null) {
        throw new IllegalStateException("catalogue/index.txt lists " + name + " but the jar has no such file");
      }
      files.put(name, in);
    }
    return load(files);
  }

  private static List<String> readIndex() {
    InputStream in = CatalogueLoader.class.getResourceAsStream(BUILT_IN_DIR + "index.txt");
    if (in == null) {
      throw new IllegalStateException("built-in catalogue missing: no catalogue/index.txt on the classpath");
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads a catalogue file, or every {@code *.yml} file of a directory: the curated files first, then
   * the generated ones ({@code *.generated.yml}), so that a curated entry wins an id both list.
   */
  public static Catalogue load(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return load(List.of(path));
    }
    try (var list = Files.list(path)) {
      return load(list.filter(p -> p.toString().endsWith(".yml"))
          .sorted(Comparator.comparing((Path p) -> p.toString().endsWith(GeneratedCatalogueFiles.SUFFIX))
              .thenComparing(Path::toString))
          .toList());
    }
  }

  /** Loads these catalogue files, in this order. */
  public static Catalogue load(List<Path> paths) throws IOException {
    Map<String, InputStream> files = new LinkedHashMap<>();
    for (Path p : paths) {
      files.put(p.toString(), Files.newInputStream(p));
    }
    return load(files);
  }

  private static Catalogue load(Map<String, InputStream> files) {
    // files are read and converted in parallel (the large generated ones beside the curated ones), merged in order
    List<ProviderFile> read = new ArrayList<>(files.entrySet()).parallelStream()
        .map(f -> read(f.getKey(), f.getValue())).toList();
    Map<String, String> names = new LinkedHashMap<>();
    Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
    Map<String, ProviderInfo> providers = new LinkedHashMap<>();
    for (ProviderFile file : read) {
      // a provider's curated and generated files carry the same header: the first one counts
      providers.putIfAbsent(file.provider().id(), file.provider());
      for (ProviderModel m : file.models()) {
        names.putIfAbsent(m.key(), m.name());
        endpoints.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m.endpoint());
      }
    }
    List<PricingEntry> entries = new ArrayList<>();
    endpoints.forEach((key, eps) -> entries.add(new PricingEntry(key, names.get(key), eps)));
    return new Catalogue(entries, List.copyOf(providers.values()));
  }

  private record ProviderFile(ProviderInfo provider, List<ProviderModel> models) {}

  private record ProviderModel(String key, String name, Endpoint endpoint) {}

  private static ProviderFile read(String file, InputStream stream) {
    try (InputStream in = stream) {
      JsonNode root = parse(in.readAllBytes());
      String provider = text(root, "provider", file);
      ProviderInfo info = new ProviderInfo(provider, text(root, "name", file), text(root, "pricing_url", file),
          Pattern.compile(text(root, "api_pattern", file)));
      List<ProviderModel> models = new ArrayList<>();
      for (JsonNode m : root.path("models")) {
        String where = file + " model " + m.path("model").asText("?");
        String key = text(m, "model", where);
        models.add(new ProviderModel(key, m.path("name").asText(key), endpoint(provider, m, where)));
      }
      return new ProviderFile(info, models);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read catalogue file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A file in the compact form (JSON, which is YAML too; see {@link CatalogueWriter#compactFiles}) is read
   * with the JSON parser, many times faster than the YAML one on the large generated files.
   */
  private static JsonNode parse(byte[] text) throws IOException {
    return isCompact(text) ? COMPACT.readTree(text) : YAML.readTree(text);
  }

  /** Whether a catalogue file is in the compact form: after any leading comment lines, a JSON object. */
  static boolean isCompact(byte[] text) {
    boolean lineStart = true;
    for (int i = 0; i < text.length; i++) {
      byte b = text[i];
      if (b == '#' && lineStart) {
        while (i < text.length && text[i] != '\n') {
          i++;
        }
        continue;
      }
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
      lineStart = b == '\n' || lineStart;
    }
    return false;
  }

  private static Endpoint endpoint(String provider, JsonNode m, String where) {
    List<String> ids = new ArrayList<>();
    m.path("ids").forEach(id -> ids.add(id.asText()));
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(where + ": no ids");
    }
    List<PricePeriod> periods = new ArrayList<>();
    for (JsonNode p : m.path("prices")) {
      checkKeys(p, PERIOD_KEYS, where);
      List<PriceTier> tiers = new ArrayList<>();
      for (JsonNode t : p.path("tiers")) {
        checkKeys(t, TIER_KEYS, where);
        tiers.add(tier(t, where));
      }
      Map<String, PriceMode> modes = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = p.path("modes").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> mode = it.next();
        checkKeys(mode.getValue(), MODE_KEYS, where);
        modes.put(mode.getKey(),
            new PriceMode(usd(mode.getValue(), "multiplier", where), rates(mode.getValue(), where)));
      }
      List<TimeOfDayPrice> clock = new ArrayList<>();
      for (JsonNode w : p.path("time_of_day")) {
        checkKeys(w, TIME_OF_DAY_KEYS, where);
        clock.add(timeOfDay(w, where));
      }
      Instant until = p.hasNonNull("effective_until") ? instant(p.get("effective_until").asText(), where) : null;
      try {
        periods.add(new PricePeriod(instant(text(p, "effective_from", where), where), until, rates(p, where), tiers,
            modes, clock));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    if (periods.isEmpty()) {
      throw new IllegalArgumentException(where + ": no prices");
    }
    String deployment = m.hasNonNull("deployment") ? m.get("deployment").asText() : null;
    try {
      return new Endpoint(provider, deployment, ids, m.path("source").asText(null), m.path("checked").asText(null),
          periods);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** {@code above_input_tokens: N} (input &gt; N) or {@code from_input_tokens: N} (input &gt;= N), exactly one. */
  private static PriceTier tier(JsonNode t, String where) {
    boolean above = t.has("above_input_tokens");
    if (above == t.has("from_input_tokens")) {
      throw new IllegalArgumentException(where + ": a tier needs exactly one of above_input_tokens, from_input_tokens");
    }
    JsonNode n = t.get(above ? "above_input_tokens" : "from_input_tokens");
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
      throw new IllegalArgumentException(where + ": a tier's threshold must be a whole number >= 0, got " + n);
    }
    return new PriceTier(n.asLong(), !above, rates(t, where));
  }

  private static TimeOfDayPrice timeOfDay(JsonNode w, String where) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (JsonNode d : w.path("days")) {
      DayOfWeek day = DAYS.get(d.asText().toLowerCase(Locale.ROOT));
      if (day == null) {
        throw new IllegalArgumentException(where + ": time_of_day day '" + d.asText() + "' is not one of "
            + DAYS.keySet());
      }
      days.add(day);
    }
    return new TimeOfDayPrice(clockTime(w, "from", where), clockTime(w, "until", where), days,
        new PriceMode(usd(w, "multiplier", where), rates(w, where)));
  }

  private static LocalTime clockTime(JsonNode w, String field, String where) {
    String s = text(w, field, where);
    try {
      return LocalTime.parse(s);
    } catch (RuntimeException e) {
      // an unquoted 16:30 is a YAML 1.1 sexagesimal number (990)
      throw new IllegalArgumentException(where + ": time_of_day " + field + " '" + s + "' is not a UTC time HH:MM"
          + (w.get(field).isNumber() ? " (quote it: \"16:30\")" : ""));
    }
  }

  private static Rates rates(JsonNode n, String where) {
    return new Rates(perMtok(n, "input_mtok", where), perMtok(n, "output_mtok", where),
        perMtok(n, "cache_read_mtok", where), perMtok(n, "cache_write_mtok", where),
        perMtok(n, "cache_write_1h_mtok", where), perMtok(n, "reasoning_mtok", where),
        perMtok(n, "audio_input_mtok", where), perMtok(n, "audio_output_mtok", where),
        usd(n, "per_web_search", where), usd(n, "per_image", where), usd(n, "per_request", where),
        perMtok(n, "image_output_mtok", where), perMtok(n, "cache_read_audio_mtok", where),
        usd(n, "per_search_source", where), usd(n, "per_server_tool_call", where),
        perMtok(n, "image_input_mtok", where), perMtok(n, "video_input_mtok", where));
  }

  private static Set<String> with(Set<String> keys, String... more) {
    Set<String> out = new java.util.HashSet<>(keys);
    out.addAll(List.of(more));
    return Set.copyOf(out);
  }

  private static BigDecimal perMtok(JsonNode n, String field, String where) {
    BigDecimal v = usd(n, field, where);
    return v == null ? null : v.movePointLeft(6);
  }

  private static BigDecimal usd(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || v.decimalValue().signum() < 0) {
      throw new IllegalArgumentException(where + ": " + field + " must be a number >= 0, got " + v);
    }
    return v.decimalValue();
  }

  private static void checkKeys(JsonNode n, Set<String> allowed, String where) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException(where + ": unknown price field '" + f + "'");
      }
    }
  }

  private static Instant instant(String s, String where) {
    try {
      return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": '" + s + "' is not a date or ISO instant");
    }
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": missing '" + field + "'");
    }
    return v.asText();
  }
}
