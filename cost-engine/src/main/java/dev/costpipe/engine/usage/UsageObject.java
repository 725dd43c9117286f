package dev.costpipe.engine.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEventParser;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads normalized usage given in the cost record's own form (a usage event's {@code usage}): the same field
 * names and meaning, absent counts 0. Strict, since nothing downstream can tell a mistake from usage: a count
 * must be a whole number in 0..{@link UsageFields#MAX_COUNT}, the tiers strings, no other field is allowed,
 * and the parts must fit their totals ({@link Usage#invariantViolation()}); anything else is invalid usage.
 */
public final class UsageObject {
  private static final Map<String, BiConsumer<Usage.Builder, Long>> COUNTS = Map.ofEntries(
      Map.entry("input_tokens", Usage.Builder::inputTokens),
      Map.entry("output_tokens", Usage.Builder::outputTokens),
      Map.entry("cache_read_tokens", Usage.Builder::cacheReadTokens),
      Map.entry("cache_write_tokens", Usage.Builder::cacheWriteTokens),
      Map.entry("cache_write_1h_tokens", Usage.Builder::cacheWrite1hTokens),
      Map.entry("reasoning_tokens", Usage.Builder::reasoningTokens),
      Map.entry("audio_input_tokens", Usage.Builder::audioInputTokens),
      Map.entry("audio_output_tokens", Usage.Builder::audioOutputTokens),
      Map.entry("web_search_calls", Usage.Builder::webSearchCalls),
      Map.entry("images", Usage.Builder::images),
      Map.entry("image_output_tokens", Usage.Builder::imageOutputTokens),
      Map.entry("cache_read_audio_tokens", Usage.Builder::cacheReadAudioTokens),
      Map.entry("search_sources", Usage.Builder::searchSources),
      Map.entry("server_tool_calls", Usage.Builder::serverToolCalls),
      Map.entry("image_input_tokens", Usage.Builder::imageInputTokens),
      Map.entry("video_input_tokens", Usage.Builder::videoInputTokens));

  private UsageObject() {}

  public static Usage read(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      throw new BadEventException("invalid_usage", "usage must be an object");
    }
    Usage.Builder b = Usage.builder();
    for (var it = usage.fields(); it.hasNext(); ) {
      var f = it.next();
      var count = COUNTS.get(f.getKey());
      if (count != null) {
        count.accept(b, UsageFields.count(usage, f.getKey()));
      } else if (f.getKey().equals("service_tier")) {
        b.serviceTier(ServiceTiers.normalize(text(f.getKey(), f.getValue())));
      } else if (f.getKey().equals("inference_geo")) {
        String geo = text(f.getKey(), f.getValue());
        b.inferenceGeo(geo == null ? "" : geo.strip().toLowerCase(Locale.ROOT));
      } else {
        throw new BadEventException("invalid_usage",
            "unknown usage field '" + RawEventParser.abbreviate(f.getKey()) + "'");
      }
    }
    Usage u = b.build();
    String violation = u.invariantViolation();
    if (!violation.isEmpty()) {
      throw new BadEventException("invalid_usage", violation);
    }
    return u;
  }

  private static String text(String field, JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadEventException("invalid_usage", field + " must be a string");
    }
    return v.textValue();
  }
}
