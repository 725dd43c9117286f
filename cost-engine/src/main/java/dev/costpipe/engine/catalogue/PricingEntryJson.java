package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.pricing.TimeOfDayPrice;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pricing entry with its full price history as JSON: the value format of the {@code llm.pricing}
 * topic. Rates are USD per token (per call for the fees), written as plain decimal numbers and read
 * back exactly.
 */
public final class PricingEntryJson {
  private static final String[] RATE_FIELDS = {"input", "output", "cache_read", "cache_write", "cache_write_1h",
      "reasoning", "audio_input", "audio_output", "per_web_search", "per_image", "per_request", "image_output",
      "cache_read_audio", "per_search_source", "per_server_tool_call", "image_input", "video_input"};

  private PricingEntryJson() {}

  public static String write(PricingEntry e) {
    try {
      return Json.MAPPER.writeValueAsString(toTree(e));
    } catch (JsonProcessingException x) {
      throw new UncheckedIOException(x);
    }
  }

  public static ObjectNode toTree(PricingEntry e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("model_key", e.modelKey());
    o.put("name", e.name());
    for (Endpoint ep : e.endpoints()) {
      ObjectNode j = o.withArray("endpoints").addObject();
      j.put("provider", ep.provider());
      j.put("deployment", ep.deployment());
      ep.ids().forEach(j.putArray("ids")::add);
      j.put("source", ep.source());
      j.put("checked", ep.checked());
      for (PricePeriod p : ep.periods()) {
        ObjectNode pj = j.withArray("prices").addObject();
        pj.put("effective_from", p.effectiveFrom().toString());
        if (p.effectiveUntil() != null) {
          pj.put("effective_until", p.effectiveUntil().toString());
        }
        pj.set("rates", rates(p.rates()));
        if (!p.modes().isEmpty()) {
          ObjectNode modes = pj.putObject("modes");
          p.modes().forEach((name, mode) -> mode(modes.putObject(name), mode));
        }
        for (PriceTier t : p.tiers()) {
          ObjectNode tj = pj.withArray("tiers").addObject();
          tj.put("above_input_tokens", t.inputTokens());
          if (t.atOrAbove()) {
            tj.put("at_or_above", true); // input_tokens >= above_input_tokens
          }
          tj.set("rates", rates(t.rates()));
        }
        for (TimeOfDayPrice w : p.timeOfDay()) {
          ObjectNode wj = pj.withArray("time_of_day").addObject();
          wj.put("from", w.from().toString());
          wj.put("until", w.until().toString());
          w.days().stream().sorted().forEach(d -> wj.withArray("days").add(d.name()));
          mode(wj, w.prices());
        }
      }
    }
    return o;
  }

  public static PricingEntry read(byte[] json) {
    try {
      return fromTree(Json.MAPPER.readTree(json));
    } catch (java.io.IOException | RuntimeException x) {
      throw new IllegalArgumentException("not a pricing entry: " + x.getMessage(), x);
    }
  }

  public static PricingEntry fromTree(JsonNode o) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (JsonNode j : o.path("endpoints")) {
      List<String> ids = new ArrayList<>();
      j.path("ids").forEach(id -> ids.add(id.asText()));
      List<PricePeriod> periods = new ArrayList<>();
      for (JsonNode pj : j.path("prices")) {
        List<PriceTier> tiers = new ArrayList<>();
        for (JsonNode tj : pj.path("tiers")) {
          tiers.add(new PriceTier(tj.path("above_input_tokens").asLong(), tj.path("at_or_above").asBoolean(false),
              rates(tj.path("rates"))));
        }
        Map<String, PriceMode> modes = new LinkedHashMap<>();
        for (var it = pj.path("modes").fields(); it.hasNext(); ) {
          var mode = it.next();
          modes.put(mode.getKey(), mode(mode.getValue(), "mode " + mode.getKey()));
        }
        List<TimeOfDayPrice> clock = new ArrayList<>();
        for (JsonNode wj : pj.path("time_of_day")) {
          Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
          wj.path("days").forEach(d -> days.add(DayOfWeek.valueOf(d.asText())));
          clock.add(new TimeOfDayPrice(LocalTime.parse(wj.path("from").asText()),
              LocalTime.parse(wj.path("until").asText()), days, mode(wj, "time_of_day")));
        }
        periods.add(new PricePeriod(Instant.parse(pj.path("effective_from").asText()),
            pj.hasNonNull("effective_until") ? Instant.parse(pj.get("effective_until").asText()) : null,
            rates(pj.path("rates")), tiers, modes, clock));
      }
      if (periods.isEmpty()) {
        throw new IllegalArgumentException("endpoint " + j.path("provider").asText() + " has no prices");
      }
      endpoints.add(new Endpoint(j.path("provider").asText(), text(j, "deployment"), ids, text(j, "source"),
          text(j, "checked"), periods));
    }
    String key = text(o, "model_key");
    if (key == null || endpoints.isEmpty()) {
      throw new IllegalArgumentException("a pricing entry needs model_key and endpoints");
    }
    return new PricingEntry(key, text(o, "name"), endpoints);
  }

  private static void mode(ObjectNode o, PriceMode mode) {
    o.put("multiplier", mode.multiplier());
    o.set("rates", rates(mode.rates()));
  }

  private static PriceMode mode(JsonNode o, String what) {
    JsonNode multiplier = o.get("multiplier");
    if (multiplier != null && !multiplier.isNull()
        && (!multiplier.isNumber() || multiplier.decimalValue().signum() < 0)) {
      throw new IllegalArgumentException(what + ": multiplier must be a number >= 0");
    }
    return new PriceMode(multiplier == null || multiplier.isNull() ? null : multiplier.decimalValue(),
        rates(o.path("rates")));
  }

  private static ObjectNode rates(Rates r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    BigDecimal[] v = {r.input(), r.output(), r.cacheRead(), r.cacheWrite(), r.cacheWrite1h(), r.reasoning(),
        r.audioInput(), r.audioOutput(), r.perWebSearch(), r.perImage(), r.perRequest(), r.imageOutput(),
        r.cacheReadAudio(), r.perSearchSource(), r.perServerToolCall(), r.imageInput(), r.videoInput()};
    for (int i = 0; i < v.length; i++) {
      if (v[i] != null) {
        o.put(RATE_FIELDS[i], v[i]);
      }
    }
    return o;
  }

  private static Rates rates(JsonNode o) {
    BigDecimal[] v = new BigDecimal[RATE_FIELDS.length];
    for (int i = 0; i < v.length; i++) {
      JsonNode n = o.get(RATE_FIELDS[i]);
      if (n != null && !n.isNull()) {
        if (!n.isNumber() || n.decimalValue().signum() < 0) {
          throw new IllegalArgumentException(RATE_FIELDS[i] + " must be a number >= 0");
        }
        v[i] = n.decimalValue();
      }
    }
    return new Rates(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14],
        v[15], v[16]);
  }

  private static String text(JsonNode o, String f) {
    return o.hasNonNull(f) ? o.get(f).asText() : null;
  }
}
