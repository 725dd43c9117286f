package dev.costpipe.sources.otlp;

import dev.costpipe.sources.envelope.UsageEvent;
import dev.costpipe.sources.envelope.UsageTokens;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One span → a usage event, following docs/ingest.md's table: which spans are model calls, where the model,
 * provider, ids, session and user come from. Only those fields are read: prompt and completion content
 * ({@code gen_ai.input.messages}, {@code gen_ai.prompt}, …) is never copied anywhere.
 */
final class GenAiSpanMapper {
  /** Operations that are one call of a model; agent and tool operations sum or wrap their children's calls. */
  static final Set<String> MODEL_CALLS = Set.of("chat", "generate_content", "text_completion", "embeddings");
  /** OpenLLMetry's pre-migration {@code llm.request.type} values for a model call. */
  private static final Set<String> LLM_REQUEST_TYPES = Set.of("chat", "completion", "embedding");

  /** What became of one span. */
  sealed interface Outcome {}

  /** @param warning set when produced but flagged (an unmapped provider) */
  record Mapped(UsageEvent event, String warning) implements Outcome {}

  record Rejected(String reason) implements Outcome {}

  /** Not a model call: an HTTP span, an agent or tool span. */
  record Ignored(String why) implements Outcome {}

  private GenAiSpanMapper() {}

  static Outcome map(Span span) {
    SpanAttributes a = SpanAttributes.of(span.getAttributesList());
    if (!a.hasPrefix("gen_ai.")) {
      return new Ignored("not a GenAI span");
    }
    String operation = a.string("gen_ai.operation.name");
    if (operation != null) {
      if (!MODEL_CALLS.contains(operation)) {
        return new Ignored("operation " + operation + " is not a model call");
      }
    } else {
      String requestType = a.string("llm.request.type");
      if (requestType != null ? !LLM_REQUEST_TYPES.contains(requestType)
          : !(a.has("gen_ai.system") || a.has("gen_ai.provider.name")) || !GenAiUsage.present(a)) {
        return new Ignored("no model-call operation");
      }
    }
    String model = a.string("gen_ai.response.model", "gen_ai.request.model");
    if (model == null) {
      return new Rejected("no gen_ai.response.model or gen_ai.request.model");
    }
    String requestId = a.string("gen_ai.response.id");
    if (requestId == null) {
      if (span.getTraceId().isEmpty() || span.getSpanId().isEmpty()) {
        return new Rejected("no gen_ai.response.id and no trace and span id");
      }
      HexFormat hex = HexFormat.of();
      requestId = hex.formatHex(span.getTraceId().toByteArray()) + "-" + hex.formatHex(span.getSpanId().toByteArray());
    }
    boolean failed = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR || a.has("error.type");
    UsageTokens usage;
    try {
      usage = GenAiUsage.present(a) ? GenAiUsage.read(a) : UsageTokens.NONE;
    } catch (NumberFormatException e) {
      return new Rejected(e.getMessage());
    }
    if (!failed && !GenAiUsage.present(a)) {
      return new Rejected("no gen_ai.usage.* token counts: the call cannot be priced");
    }
    String providerName = a.string("gen_ai.provider.name", "gen_ai.system");
    String provider = null;
    String warning = null;
    if (providerName == null) {
      warning = "no gen_ai.provider.name or gen_ai.system";
    } else {
      Optional<String> mapped = GenAiProviders.map(providerName);
      provider = mapped.orElse(GenAiProviders.normalise(providerName));
      if (mapped.isEmpty()) {
        warning = "unmapped provider " + providerName;
      }
    }
    Long status;
    try {
      status = a.count("http.response.status_code");
    } catch (NumberFormatException e) {
      status = null;
    }
    int httpStatus = status != null ? status.intValue() : failed ? 500 : 200;
    long start = span.getStartTimeUnixNano();
    Instant timestamp = start > 0 ? Instant.ofEpochSecond(0, start) : null;
    boolean streamed = Boolean.TRUE.equals(a.bool("gen_ai.request.stream"))
        || Boolean.TRUE.equals(a.bool("llm.is_streaming")); // OpenLLMetry's pre-migration name
    UsageEvent event = new UsageEvent(requestId, timestamp, provider, model, usage,
        a.string("user.id", "enduser.id"), a.string("gen_ai.conversation.id", "session.id"), Map.of(), httpStatus,
        false, streamed, null, "otlp");
    return new Mapped(event, warning);
  }
}
