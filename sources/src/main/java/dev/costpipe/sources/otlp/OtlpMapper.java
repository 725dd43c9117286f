package dev.costpipe.sources.otlp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.envelope.Reject;
import dev.costpipe.sources.envelope.UnparseableBodyException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP traces (an {@code ExportTraceServiceRequest}, as OTLP/HTTP posts it and the Collector's Kafka exporter writes
 * it) → usage events: one per GenAI model-call span; other spans are ignored and counted; a model-call span that
 * cannot be mapped is rejected with its reason (OTLP's {@code partial_success}). Bytes in, events out: the HTTP
 * endpoint and a Kafka input call the same {@link #map(byte[], OtlpEncoding)}.
 */
public final class OtlpMapper {
  private OtlpMapper() {}

  public static MappedBatch map(byte[] body, OtlpEncoding encoding) throws UnparseableBodyException {
    return map(OtlpDecoder.decode(body, encoding));
  }

  public static MappedBatch map(ExportTraceServiceRequest request) {
    List<ObjectNode> events = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    int ignored = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          GenAiSpanMapper.Outcome outcome = GenAiSpanMapper.map(span);
          if (outcome instanceof GenAiSpanMapper.Mapped m) {
            events.add(m.event().toEnvelope());
            if (m.warning() != null) {
              warnings.add(name(span) + ": " + m.warning());
            }
          } else if (outcome instanceof GenAiSpanMapper.Rejected r) {
            rejects.add(new Reject(name(span), r.reason()));
          } else {
            ignored++;
          }
        }
      }
    }
    return new MappedBatch(events, rejects, ignored, warnings);
  }

  private static String name(Span span) {
    HexFormat hex = HexFormat.of();
    return "span " + hex.formatHex(span.getTraceId().toByteArray()) + "/"
        + hex.formatHex(span.getSpanId().toByteArray());
  }
}
