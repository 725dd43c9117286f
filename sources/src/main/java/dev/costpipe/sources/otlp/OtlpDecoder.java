package dev.costpipe.sources.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.costpipe.sources.envelope.UnparseableBodyException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads an {@code ExportTraceServiceRequest} in either encoding. OTLP/JSON differs from protobuf's canonical JSON in
 * one way that matters: trace and span ids are hex, not base64, so they are rewritten before protobuf's JSON parser
 * reads the rest (which accepts {@code intValue} as a string or a number, and enums as integers). Unknown fields
 * are ignored in both encodings, as the OTLP specification requires.
 */
public final class OtlpDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final List<String> ID_FIELDS = List.of("traceId", "trace_id", "spanId", "span_id", "parentSpanId",
      "parent_span_id");

  private OtlpDecoder() {}

  public static ExportTraceServiceRequest decode(byte[] body, OtlpEncoding encoding) throws UnparseableBodyException {
    return encoding == OtlpEncoding.PROTOBUF ? protobuf(body) : json(body);
  }

  private static ExportTraceServiceRequest protobuf(byte[] body) throws UnparseableBodyException {
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new UnparseableBodyException("not an OTLP ExportTraceServiceRequest in protobuf: " + e.getMessage(), e);
    }
  }

  private static ExportTraceServiceRequest json(byte[] body) throws UnparseableBodyException {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      throw new UnparseableBodyException("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (tree == null || tree.isMissingNode()) {
      return ExportTraceServiceRequest.getDefaultInstance(); // an empty body: an empty request
    }
    if (!tree.isObject()) {
      throw new UnparseableBodyException("not an OTLP/JSON ExportTraceServiceRequest: the body is no JSON object");
    }
    hexIdsToBase64(tree);
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    try {
      PARSER.merge(JSON.writeValueAsString(tree), b);
    } catch (IOException | RuntimeException e) {
      throw new UnparseableBodyException("not an OTLP/JSON ExportTraceServiceRequest: " + e.getMessage(), e);
    }
    return b.build();
  }

  /** Rewrites every hex id of spans and links in place. */
  private static void hexIdsToBase64(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (String f : ID_FIELDS) {
        JsonNode id = o.get(f);
        if (id != null && id.isTextual() && isHex(id.asText())) {
          o.set(f, TextNode.valueOf(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(id.asText()))));
        }
      }
      o.elements().forEachRemaining(OtlpDecoder::hexIdsToBase64);
    } else if (node.isArray()) {
      node.elements().forEachRemaining(OtlpDecoder::hexIdsToBase64);
    }
  }

  private static boolean isHex(String s) {
    if (s.length() % 2 != 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
