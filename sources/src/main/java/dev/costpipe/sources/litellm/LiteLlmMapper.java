package dev.costpipe.sources.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.provider.LiteLlmProviders;
import dev.costpipe.sources.envelope.JsonBodies;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.envelope.Reject;
import dev.costpipe.sources.envelope.UnparseableBodyException;
import dev.costpipe.sources.envelope.UsageEvent;
import dev.costpipe.sources.envelope.UsageTokens;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * LiteLLM's {@code StandardLoggingPayload} (what its {@code generic_api} callback posts: one object, a JSON array or
 * NDJSON, all as {@code application/json}) → usage events. The rules are docs/ingest.md's LiteLLM table: the request
 * id is the payload's {@code id} ({@code trace_id} is shared by retries and calls of one session, so it is the
 * session, never the request id); a failure is a failed request with zero usage and no cost; a cache hit is recorded
 * as one; {@code response_cost} is kept exactly as {@code reported_cost_usd}. Messages and responses are never copied.
 */
public final class LiteLlmMapper {
  private LiteLlmMapper() {}

  public static MappedBatch map(byte[] body) throws UnparseableBodyException {
    List<ObjectNode> events = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<JsonNode> items = JsonBodies.items(body);
    for (int i = 0; i < items.size(); i++) {
      JsonNode p = items.get(i);
      String item = "item " + i;
      if (!p.isObject()) {
        rejects.add(new Reject(item, "not a JSON object"));
        continue;
      }
      try {
        String[] warning = new String[1];
        events.add(event(p, warning).toEnvelope());
        if (warning[0] != null) {
          warnings.add(item + ": " + warning[0]);
        }
      } catch (IllegalArgumentException e) {
        rejects.add(new Reject(item, e.getMessage()));
      }
    }
    return new MappedBatch(events, rejects, 0, warnings);
  }

  private static UsageEvent event(JsonNode p, String[] warning) {
    String id = text(p, "id");
    if (id == null) {
      throw new IllegalArgumentException("no id (trace_id is never used as the request id)");
    }
    boolean failed = "failure".equals(text(p, "status"));
    String customProvider = text(p, "custom_llm_provider");
    String provider = null;
    if (customProvider == null) {
      warning[0] = "no custom_llm_provider";
    } else {
      Optional<String> mapped = LiteLlmProviders.knownProvider(customProvider);
      provider = mapped.orElse(customProvider.strip());
      if (mapped.isEmpty()) {
        warning[0] = "unmapped provider " + customProvider;
      }
    }
    String model = model(p, customProvider);
    if (model == null && !failed) {
      throw new IllegalArgumentException("no model (hidden_params.litellm_model_name, model_map_information"
          + ".model_map_key, response.model or model)");
    }
    UsageTokens usage = failed ? UsageTokens.NONE : LiteLlmUsage.read(p);
    JsonNode metadata = p.path("metadata");
    String user = firstText(p.path("end_user"), metadata.path("user_api_key_end_user_id"),
        metadata.path("user_api_key_user_id"));
    String session = firstText(metadata.path("session_id"), p.path("trace_id"));
    return new UsageEvent(id, timestamp(p.path("startTime")), provider, model, usage, user, session,
        properties(p, metadata), failed ? failureStatus(p) : 200, p.path("cache_hit").asBoolean(false),
        p.path("stream").asBoolean(false), cost(p.get("response_cost")), "litellm");
  }

  /**
   * The model as called: LiteLLM's own resolved name first, then its price-map key, the response's model and the
   * requested one. Azure's names are deployment names, so there the response's model (the real one) comes first.
   * A provider route prefix ({@code vertex_ai/}, {@code azure/}) is dropped.
   */
  private static String model(JsonNode p, String customProvider) {
    JsonNode responseModel = p.path("response").path("model");
    JsonNode[] candidates = "azure".equals(customProvider)
        ? new JsonNode[] {responseModel, p.path("model_map_information").path("model_map_key"),
            p.path("hidden_params").path("litellm_model_name"), p.path("model")}
        : new JsonNode[] {p.path("hidden_params").path("litellm_model_name"),
            p.path("model_map_information").path("model_map_key"), responseModel, p.path("model")};
    String model = firstText(candidates);
    if (model == null) {
      return null;
    }
    int slash = model.indexOf('/');
    return slash > 0 && LiteLlmProviders.isRoute(model.substring(0, slash)) ? model.substring(slash + 1) : model;
  }

  /** Team, key alias, organisation, tags and spend-logs metadata: the dimensions a LiteLLM proxy knows. */
  private static Map<String, String> properties(JsonNode p, JsonNode metadata) {
    Map<String, String> props = new TreeMap<>();
    JsonNode spend = metadata.path("spend_logs_metadata");
    if (spend.isObject()) {
      spend.fields().forEachRemaining(f -> {
        if (f.getValue().isValueNode() && !f.getValue().isNull()) {
          props.put(f.getKey(), f.getValue().asText());
        }
      });
    }
    putText(props, "team", firstText(metadata.path("user_api_key_team_alias"), metadata.path("user_api_key_team_id")));
    putText(props, "key_alias", firstText(metadata.path("user_api_key_alias")));
    putText(props, "org", firstText(metadata.path("user_api_key_org_id")));
    putText(props, "model_group", firstText(p.path("model_group")));
    TreeSet<String> tags = new TreeSet<>();
    p.path("request_tags").forEach(t -> {
      if (t.isTextual() && !t.asText().isBlank()) {
        tags.add(t.asText().strip());
      }
    });
    if (!tags.isEmpty()) {
      props.put("tags", String.join(",", tags));
    }
    return props;
  }

  private static int failureStatus(JsonNode p) {
    String code = firstText(p.path("error_information").path("error_code"));
    try {
      int status = code == null ? 500 : Integer.parseInt(code);
      return status >= 400 && status < 600 ? status : 500;
    } catch (NumberFormatException e) {
      return 500;
    }
  }

  /** Epoch seconds (a float, as LiteLLM's type says) or the {@code 2025-01-24 09:20:46.847371} text it also writes. */
  private static Instant timestamp(JsonNode t) {
    if (t.isNumber()) {
      BigDecimal seconds = t.decimalValue();
      return Instant.ofEpochSecond(seconds.longValue(),
          seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }
    if (t.isTextual()) {
      String s = t.asText().strip();
      try {
        return s.endsWith("Z") || s.contains("+") ? Instant.parse(s)
            : LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("startTime is no time");
      }
    }
    return null;
  }

  private static BigDecimal cost(JsonNode c) {
    if (c == null || c.isNull()) {
      return null;
    }
    try {
      return new BigDecimal(c.isNumber() ? c.decimalValue().toPlainString() : c.asText().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("response_cost is not a number");
    }
  }

  private static void putText(Map<String, String> props, String key, String value) {
    if (value != null) {
      props.put(key, value);
    }
  }

  private static String text(JsonNode node, String field) {
    return firstText(node.path(field));
  }

  private static String firstText(JsonNode... nodes) {
    for (JsonNode n : nodes) {
      if (n.isValueNode() && !n.isNull() && !n.asText().isBlank()) {
        return n.asText().strip();
      }
    }
    return null;
  }
}
