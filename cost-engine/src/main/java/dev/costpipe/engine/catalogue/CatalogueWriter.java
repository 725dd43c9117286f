package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.pricing.TimeOfDayPrice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Writes pricing entries in costpipe's catalogue format, one provider per file: the inverse of
 * {@link CatalogueLoader}. What it writes loads back to the same entries, rate for rate (per-token
 * rates become exact per-million decimals). Models are sorted by key, so writing what was loaded
 * from a written catalogue gives the same bytes.
 */
public final class CatalogueWriter {
  /** The header of a provider not in the built-in catalogue: no URL pattern, so it is never detected from a URL. */
  static final String NEVER_MATCHES = "(?!)";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR))
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private static final String SCHEMA_LINE = "# yaml-language-server: $schema=./catalogue.schema.json\n";

  private CatalogueWriter() {}

  /**
   * The provider files ({@code <provider>.yml} → YAML text) for these entries, in provider order.
   * {@code headers} gives each provider's name, pricing page and URL pattern; a provider it does not
   * know gets its id as name and a pattern that matches no URL.
   */
  public static Map<String, String> files(List<PricingEntry> entries, Function<String, ProviderInfo> headers) {
    return render(entries, headers, CatalogueWriter::yaml);
  }

  /**
   * The same files in the compact form: JSON (which is YAML too, so the schema and any YAML tool read it)
   * with one model per line, so a price change is still a one-line diff, and parsed many times faster
   * than block YAML. For large generated files.
   */
  public static Map<String, String> compactFiles(List<PricingEntry> entries,
      Function<String, ProviderInfo> headers) {
    return render(entries, headers, CatalogueWriter::compact);
  }

  private static Map<String, String> render(List<PricingEntry> entries, Function<String, ProviderInfo> headers,
      Function<ObjectNode, String> format) {
    Map<String, List<ProviderModel>> byProvider = new TreeMap<>();
    for (PricingEntry e : entries) {
      for (Endpoint ep : e.endpoints()) {
        byProvider.computeIfAbsent(ep.provider(), p -> new ArrayList<>()).add(new ProviderModel(e, ep));
      }
    }
    Map<String, String> files = new TreeMap<>();
    byProvider.forEach((provider, models) -> {
      ProviderInfo header = headers.apply(provider);
      if (header == null) {
        header = new ProviderInfo(provider, provider, models.get(0).endpoint().source() == null
            ? "unknown" : models.get(0).endpoint().source(), Pattern.compile(NEVER_MATCHES));
      }
      files.put(provider + ".yml", SCHEMA_LINE + format.apply(providerFile(header, models)));
    });
    return files;
  }

  /** Writes {@link #files}' result into {@code dir} (created if missing); returns the paths written. */
  public static List<Path> writeDirectory(Map<String, String> files, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (var f : files.entrySet()) {
      written.add(Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8));
    }
    return written;
  }

  private record ProviderModel(PricingEntry entry, Endpoint endpoint) {}

  private static ObjectNode providerFile(ProviderInfo header, List<ProviderModel> models) {
    ObjectNode root = YAML.createObjectNode();
    root.put("provider", header.id());
    root.put("name", header.name());
    root.put("pricing_url", header.pricingUrl());
    root.put("api_pattern", header.apiPattern().pattern());
    ArrayNode out = root.putArray("models");
    // stable sort: several endpoints of one model (deployments) keep their order
    models.stream().sorted(Comparator.comparing(m -> m.entry().modelKey())).forEach(m -> out.add(model(m)));
    return root;
  }

  private static String yaml(ObjectNode root) {
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String compact(ObjectNode root) {
    try {
      StringBuilder s = new StringBuilder("{\n");
      for (String field : List.of("provider", "name", "pricing_url", "api_pattern")) {
        s.append(Json.MAPPER.writeValueAsString(field)).append(": ")
            .append(Json.MAPPER.writeValueAsString(root.get(field))).append(",\n");
      }
      s.append("\"models\": [\n");
      ArrayNode models = (ArrayNode) root.get("models");
      for (int i = 0; i < models.size(); i++) {
        s.append(Json.MAPPER.writeValueAsString(models.get(i))).append(i + 1 < models.size() ? ",\n" : "\n");
      }
      return s.append("]}\n").toString();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode model(ProviderModel m) {
    Endpoint ep = m.endpoint();
    ObjectNode o = YAML.createObjectNode();
    o.put("model", m.entry().modelKey());
    if (m.entry().name() != null) {
      o.put("name", m.entry().name());
    }
    ep.ids().forEach(o.putArray("ids")::add);
    if (ep.deployment() != null) {
      o.put("deployment", ep.deployment());
    }
    if (ep.source() != null) {
      o.put("source", ep.source());
    }
    if (ep.checked() != null) {
      o.put("checked", ep.checked());
    }
    ArrayNode prices = o.putArray("prices");
    for (PricePeriod p : ep.periods()) {
      ObjectNode po = prices.addObject();
      po.put("effective_from", dateOrInstant(p.effectiveFrom()));
      if (p.effectiveUntil() != null) {
        po.put("effective_until", dateOrInstant(p.effectiveUntil()));
      }
      rates(po, p.rates());
      if (!p.modes().isEmpty()) {
        ObjectNode modes = po.putObject("modes");
        p.modes().forEach((name, mode) -> {
          mode(modes.putObject(name), mode);
        });
      }
      if (!p.tiers().isEmpty()) {
        ArrayNode tiers = po.putArray("tiers");
        for (PriceTier t : p.tiers()) {
          ObjectNode to = tiers.addObject();
          to.put(t.atOrAbove() ? "from_input_tokens" : "above_input_tokens", t.inputTokens());
          rates(to, t.rates());
        }
      }
      if (!p.timeOfDay().isEmpty()) {
        ArrayNode clock = po.putArray("time_of_day");
        for (TimeOfDayPrice w : p.timeOfDay()) {
          ObjectNode wo = clock.addObject();
          wo.put("from", w.from().toString());
          wo.put("until", w.until().toString());
          if (!w.days().isEmpty()) {
            ArrayNode days = wo.putArray("days");
            CatalogueLoader.DAYS.entrySet().stream().filter(d -> w.days().contains(d.getValue()))
                .sorted(Comparator.comparing(Map.Entry::getValue)).forEach(d -> days.add(d.getKey()));
          }
          mode(wo, w.prices());
        }
      }
    }
    return o;
  }

  private static void mode(ObjectNode o, PriceMode mode) {
    if (mode.multiplier().compareTo(BigDecimal.ONE) != 0) {
      usd(o, "multiplier", mode.multiplier());
    }
    rates(o, mode.rates());
  }

  /** A date for UTC midnight, else the ISO instant. */
  private static String dateOrInstant(Instant at) {
    var utc = at.atOffset(ZoneOffset.UTC);
    return utc.toLocalTime().equals(LocalTime.MIDNIGHT) ? utc.toLocalDate().toString() : at.toString();
  }

  private static void rates(ObjectNode o, Rates r) {
    perMtok(o, "input_mtok", r.input());
    perMtok(o, "output_mtok", r.output());
    perMtok(o, "cache_read_mtok", r.cacheRead());
    perMtok(o, "cache_write_mtok", r.cacheWrite());
    perMtok(o, "cache_write_1h_mtok", r.cacheWrite1h());
    perMtok(o, "reasoning_mtok", r.reasoning());
    perMtok(o, "audio_input_mtok", r.audioInput());
    perMtok(o, "audio_output_mtok", r.audioOutput());
    perMtok(o, "image_output_mtok", r.imageOutput());
    perMtok(o, "cache_read_audio_mtok", r.cacheReadAudio());
    perMtok(o, "image_input_mtok", r.imageInput());
    perMtok(o, "video_input_mtok", r.videoInput());
    usd(o, "per_web_search", r.perWebSearch());
    usd(o, "per_search_source", r.perSearchSource());
    usd(o, "per_server_tool_call", r.perServerToolCall());
    usd(o, "per_image", r.perImage());
    usd(o, "per_request", r.perRequest());
  }

  private static void perMtok(ObjectNode o, String field, BigDecimal perToken) {
    usd(o, field, perToken == null ? null : perToken.movePointRight(6));
  }

  private static void usd(ObjectNode o, String field, BigDecimal v) {
    if (v != null) {
      BigDecimal plain = v.stripTrailingZeros();
      o.put(field, plain.scale() < 0 ? plain.setScale(0) : plain);
    }
  }
}
