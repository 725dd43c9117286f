package dev.costpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry Java SDK as a real client: its OTLP/HTTP exporter (protobuf, plain and gzip) and its own OTLP
 * JSON encoding (the Java exporter sends protobuf only) posting GenAI spans to a running ingest server on a real
 * broker; the usage events are read back from the topic.
 */
class OpenTelemetryExporterIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A model call inside an agent span, and an HTTP span: only the model call is a usage event. */
  private static void emitSpans(Tracer tracer) {
    Span agent = tracer.spanBuilder("invoke_agent support").startSpan();
    agent.setAttribute("gen_ai.operation.name", "invoke_agent");
    agent.setAttribute("gen_ai.usage.input_tokens", 5000L);
    try (Scope ignored = agent.makeCurrent()) {
      Span chat = tracer.spanBuilder("chat gpt-4o-mini").startSpan();
      chat.setAttribute("gen_ai.operation.name", "chat");
      chat.setAttribute("gen_ai.provider.name", "openai");
      chat.setAttribute("gen_ai.request.model", "gpt-4o-mini");
      chat.setAttribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
      chat.setAttribute("gen_ai.response.id", "chatcmpl-otel-1");
      chat.setAttribute("gen_ai.usage.input_tokens", 1200L);
      chat.setAttribute("gen_ai.usage.output_tokens", 40L);
      chat.setAttribute("gen_ai.usage.cache_read.input_tokens", 1024L);
      chat.setAttribute("gen_ai.conversation.id", "sess-1");
      chat.setAttribute(AttributeKey.stringKey("gen_ai.input.messages"), "[{\"content\":\"SECRET PROMPT\"}]");
      chat.end();
      Span failed = tracer.spanBuilder("chat claude").startSpan();
      failed.setAttribute("gen_ai.operation.name", "chat");
      failed.setAttribute("gen_ai.provider.name", "aws.bedrock");
      failed.setAttribute("gen_ai.request.model", "anthropic.claude-3-5-haiku-20241022-v1:0");
      failed.setAttribute("error.type", "ThrottlingException");
      failed.setStatus(StatusCode.ERROR);
      failed.end();
      Span http = tracer.spanBuilder("POST").startSpan();
      http.setAttribute("http.request.method", "POST");
      http.end();
    } finally {
      agent.end();
    }
  }

  private static Map<String, JsonNode> byRequestId(List<ConsumerRecord<String, String>> records) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records) {
      JsonNode e = JSON.readTree(r.value());
      assertThat(r.key()).isEqualTo(e.get("request_id").asText());
      events.add(e);
    }
    return events.stream().collect(Collectors.toMap(e -> e.get("request_id").asText(), Function.identity()));
  }

  private static void assertUsageEvents(Map<String, JsonNode> events) {
    assertThat(events).hasSize(2);
    JsonNode chat = events.get("chatcmpl-otel-1");
    assertThat(chat.get("event_type").asText()).isEqualTo("usage");
    assertThat(chat.get("provider").asText()).isEqualTo("openai");
    assertThat(chat.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(chat.get("usage").get("input_tokens").asLong()).isEqualTo(1200);
    assertThat(chat.get("usage").get("cache_read_tokens").asLong()).isEqualTo(1024);
    assertThat(chat.get("usage").get("output_tokens").asLong()).isEqualTo(40);
    assertThat(chat.get("session_id").asText()).isEqualTo("sess-1");
    assertThat(chat.get("status").asInt()).isEqualTo(200);
    JsonNode failed = events.values().stream().filter(e -> !e.equals(chat)).findFirst().orElseThrow();
    assertThat(failed.get("provider").asText()).isEqualTo("bedrock");
    assertThat(failed.get("status").asInt()).isEqualTo(500);
    assertThat(failed.get("usage").get("input_tokens").asLong()).isZero();
    assertThat(events.toString()).doesNotContain("SECRET");
  }

  @Test
  void sdkOtlpHttpProtobufExporterPlainAndGzip() throws Exception {
    for (String compression : new String[] {"none", "gzip"}) {
      try (IngestHarness h = new IngestHarness(null)) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(h.url("/v1/traces"))
            .setCompression(compression).build();
        RecordingExporter recorder = new RecordingExporter(exporter);
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(recorder)).build()) {
          emitSpans(tracing.get("test"));
          assertThat(tracing.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        assertThat(recorder.failures).as(compression).isZero();
        assertUsageEvents(byRequestId(h.produced()));
        assertThat(h.server.counters().get("ignored", "traces", "")).isEqualTo(2);
      }
    }
  }

  @Test
  void sdkOtlpJsonEncoding() throws Exception {
    try (IngestHarness h = new IngestHarness(null)) {
      List<SpanData> spans = new ArrayList<>();
      try (SdkTracerProvider tracing = SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(new RecordingExporter(null, spans))).build()) {
        emitSpans(tracing.get("test"));
      }
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      TraceRequestMarshaler.create(spans).writeJsonTo(json);
      var response = h.post("/v1/traces", "application/json", json.toByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(new String(response.body())).isEqualTo("{}");
      assertUsageEvents(byRequestId(h.produced()));
    }
  }

  /** Passes spans to {@code delegate} (if any), keeps them, and counts failed exports. */
  private static final class RecordingExporter implements SpanExporter {
    final SpanExporter delegate;
    final List<SpanData> spans;
    int failures;

    RecordingExporter(SpanExporter delegate) {
      this(delegate, new ArrayList<>());
    }

    RecordingExporter(SpanExporter delegate, List<SpanData> spans) {
      this.delegate = delegate;
      this.spans = spans;
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      if (delegate == null) {
        return CompletableResultCode.ofSuccess();
      }
      CompletableResultCode r = delegate.export(batch).join(30, TimeUnit.SECONDS);
      if (!r.isSuccess()) {
        failures++;
      }
      return r;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate == null ? CompletableResultCode.ofSuccess() : delegate.shutdown();
    }
  }
}
