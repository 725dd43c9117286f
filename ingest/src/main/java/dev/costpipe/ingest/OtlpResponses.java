package dev.costpipe.ingest;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.envelope.Reject;
import dev.costpipe.sources.otlp.OtlpEncoding;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** The bodies OTLP/HTTP answers with, in the encoding of the request. */
final class OtlpResponses {
  /** google.rpc.Code INVALID_ARGUMENT, UNAVAILABLE, RESOURCE_EXHAUSTED… as OTLP's error bodies carry them. */
  static final int INVALID_ARGUMENT = 3;
  static final int UNAUTHENTICATED = 16;
  static final int UNAVAILABLE = 14;
  private static final int MAX_REASONS = 10;

  private OtlpResponses() {}

  /** 200: an {@code ExportTraceServiceResponse}, with {@code partial_success} naming the rejected spans if any. */
  static byte[] success(MappedBatch batch, OtlpEncoding encoding) {
    ExportTraceServiceResponse.Builder r = ExportTraceServiceResponse.newBuilder();
    if (!batch.rejects().isEmpty()) {
      String reasons = batch.rejects().stream().limit(MAX_REASONS).map(Reject::toString)
          .collect(Collectors.joining("; "));
      if (batch.rejects().size() > MAX_REASONS) {
        reasons += "; and " + (batch.rejects().size() - MAX_REASONS) + " more";
      }
      r.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(batch.rejects().size())
          .setErrorMessage(reasons));
    }
    try {
      return encoding == OtlpEncoding.PROTOBUF ? r.build().toByteArray()
          : JsonFormat.printer().omittingInsignificantWhitespace().print(r).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An error body: a {@code google.rpc.Status} (field 1 code, field 2 message), written by hand since it is the
   * one message of {@code google/rpc/status.proto} OTLP needs.
   */
  static byte[] status(int code, String message, OtlpEncoding encoding) {
    if (encoding == OtlpEncoding.JSON) {
      return ("{\"code\":" + code + ",\"message\":" + jsonString(message) + "}").getBytes(StandardCharsets.UTF_8);
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String jsonString(String s) {
    try {
      return dev.costpipe.sources.envelope.JsonBodies.mapper().writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
