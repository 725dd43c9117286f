package dev.costpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.costpipe.http.HttpSettings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad and extreme input per endpoint: the right status, nothing produced from a refused body, all counted. */
class IngestEndpointsIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROTOBUF = "application/x-protobuf";

  @TempDir
  Path dir;

  static Span span(int n, boolean valid) {
    Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16]).concat(ByteString.EMPTY))
        .setTraceId(ByteString.copyFrom(longBytes(n, 16))).setSpanId(ByteString.copyFrom(longBytes(n, 8)))
        .setStartTimeUnixNano(1_763_630_102_000_000_000L + n)
        .addAttributes(attr("gen_ai.operation.name", "chat")).addAttributes(attr("gen_ai.provider.name", "openai"))
        .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens")
            .setValue(AnyValue.newBuilder().setIntValue(100 + n % 7)))
        .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.output_tokens")
            .setValue(AnyValue.newBuilder().setIntValue(20)));
    if (valid) {
      s.addAttributes(attr("gen_ai.request.model", "gpt-4o-mini"));
    }
    return s.build();
  }

  private static byte[] longBytes(long n, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < 8; i++) {
      b[length - 1 - i] = (byte) (n >>> (8 * i));
    }
    b[0] = 1; // never all zero
    return b;
  }

  static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static byte[] traces(List<Span> spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans))).build().toByteArray();
  }

  static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  /** Field 1 (code) of a protobuf google.rpc.Status. */
  static int rpcCode(byte[] status) throws Exception {
    CodedInputStream in = CodedInputStream.newInstance(status);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag >>> 3 == 1) {
        return in.readInt32();
      }
      in.skipField(tag);
    }
    return 0;
  }

  @Test
  void refusedBodiesProduceNothingAndAreCountedTheRestIsProducedExactly() throws Exception {
    try (IngestHarness h = new IngestHarness(null)) {
      byte[] good = traces(List.of(span(1, true)));

      // a truncated protobuf: 400 with a google.rpc.Status, nothing produced
      byte[] big = traces(List.of(span(1, true), span(2, true), span(3, true)));
      HttpResponse<byte[]> r = h.post("/v1/traces", PROTOBUF, Arrays.copyOf(big, big.length - 7));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(rpcCode(r.body())).isEqualTo(3);
      r = h.post("/v1/traces", "application/json", "{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("code").asInt()).isEqualTo(3);

      // wrong content types
      assertThat(h.post("/v1/traces", "text/plain", good).statusCode()).isEqualTo(415);
      assertThat(h.post("/v1/litellm", "text/plain", "{}".getBytes()).statusCode()).isEqualTo(415);
      assertThat(h.post("/v1/events", null, "{}".getBytes()).statusCode()).isEqualTo(415);
      assertThat(h.post("/v1/traces", PROTOBUF, good, "Content-Encoding", "br").statusCode()).isEqualTo(415);

      // a gzip bomb (200 MB of zeros, ~200 KB sent) and a huge body: 413, limit applied after decompression
      byte[] zeros = new byte[200 * 1024 * 1024];
      r = h.post("/v1/traces", PROTOBUF, gzip(zeros), "Content-Encoding", "gzip");
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(h.post("/v1/events", "application/json", new byte[IngestHarness.MAX_BODY + 1]).statusCode())
          .isEqualTo(413);
      assertThat(h.post("/v1/litellm", "application/json", gzip(new byte[IngestHarness.MAX_BODY + 1]),
          "Content-Encoding", "gzip").statusCode()).isEqualTo(413);
      assertThat(h.post("/v1/traces", PROTOBUF, "not gzip".getBytes(), "Content-Encoding", "gzip").statusCode())
          .isEqualTo(400);

      // LiteLLM and envelopes that are not JSON, or whose every item is invalid: 400, nothing produced
      assertThat(h.post("/v1/litellm", "application/json", "{\"id\":".getBytes()).statusCode()).isEqualTo(400);
      r = h.post("/v1/events", "application/json", "[{\"event_type\":\"usage\"}]".getBytes());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("rejected").get(0).get("reason").asText())
          .isEqualTo("request_id: a non-empty string is required");

      // 10,000 spans in one request, gzipped: all produced
      List<Span> many = new java.util.ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        many.add(span(i, true));
      }
      r = h.post("/v1/traces", PROTOBUF, gzip(traces(many)), "Content-Encoding", "gzip");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(ExportTraceServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();

      // a batch with one invalid span: 200 with partial_success naming it, the good ones produced
      r = h.post("/v1/traces", PROTOBUF, traces(List.of(span(20_001, true), span(20_002, false),
          span(20_003, true))));
      assertThat(r.statusCode()).isEqualTo(200);
      ExportTraceServiceResponse partial = ExportTraceServiceResponse.parseFrom(r.body());
      assertThat(partial.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
      assertThat(partial.getPartialSuccess().getErrorMessage()).contains("no gen_ai.response.model");

      // envelopes: one valid, one not: 200 naming the rejected one
      r = h.post("/v1/events", "application/x-ndjson", ("{\"event_type\":\"usage\",\"request_id\":\"env-1\","
          + "\"provider\":\"openai\",\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":3}}\n{\"event_type\":\"x\"}\n")
          .getBytes());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(1);

      // an empty OTLP request succeeds
      assertThat(h.post("/v1/traces", PROTOBUF, new byte[0]).statusCode()).isEqualTo(200);

      List<ConsumerRecord<String, String>> produced = h.produced();
      assertThat(produced).hasSize(10_000 + 2 + 1);
      assertThat(produced.stream().map(ConsumerRecord::key).distinct().count()).isEqualTo(10_003);

      IngestCounters c = h.server.counters();
      assertThat(c.get("requests", "traces", "400")).isEqualTo(3);
      assertThat(c.get("requests", "traces", "413")).isEqualTo(1);
      assertThat(c.get("requests", "traces", "415")).isEqualTo(2);
      assertThat(c.get("requests", "traces", "200")).isEqualTo(3);
      assertThat(c.get("requests", "litellm", "400")).isEqualTo(1);
      assertThat(c.get("requests", "litellm", "413")).isEqualTo(1);
      assertThat(c.get("requests", "events", "400")).isEqualTo(1);
      assertThat(c.get("events", "traces", "")).isEqualTo(10_002);
      assertThat(c.get("events", "events", "")).isEqualTo(1);
      assertThat(c.get("rejected", "traces", "")).isEqualTo(1);
      assertThat(c.get("rejected", "events", "")).isEqualTo(2);
    }
  }

  @Test
  void liteLlmNdjsonAsItsCallbackPostsItIsProducedWithItsCostExactly() throws Exception {
    String success = "{\"id\":\"chatcmpl-1\",\"trace_id\":\"tr-9\",\"status\":\"success\",\"stream\":false,"
        + "\"custom_llm_provider\":\"bedrock\",\"model\":\"bedrock/anthropic.claude-3-5-haiku-20241022-v1:0\","
        + "\"startTime\":1742855151.5,\"response_cost\":0.00022500000000000002,\"end_user\":\"bob\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"SECRET\"}],"
        + "\"response\":{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20}}}";
    String failure = "{\"id\":\"fail-1\",\"status\":\"failure\",\"custom_llm_provider\":\"openai\","
        + "\"model\":\"gpt-4o\",\"error_information\":{\"error_code\":\"429\"}}";
    try (IngestHarness h = new IngestHarness(null)) {
      HttpResponse<byte[]> r = h.post("/v1/litellm", "application/json", (success + "\n" + failure + "\n")
          .getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).isEqualTo(200);
      List<ConsumerRecord<String, String>> produced = h.produced();
      assertThat(produced).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("chatcmpl-1", "fail-1");
      JsonNode ok = JSON.readTree(produced.stream().filter(x -> x.key().equals("chatcmpl-1")).findFirst()
          .orElseThrow().value());
      assertThat(ok.get("provider").asText()).isEqualTo("bedrock");
      assertThat(ok.get("model").asText()).isEqualTo("anthropic.claude-3-5-haiku-20241022-v1:0");
      assertThat(ok.get("reported_cost_usd").asText()).isEqualTo("0.00022500000000000002");
      assertThat(ok.get("session_id").asText()).isEqualTo("tr-9");
      assertThat(produced.toString()).doesNotContain("SECRET");
      JsonNode failed = JSON.readTree(produced.stream().filter(x -> x.key().equals("fail-1")).findFirst()
          .orElseThrow().value());
      assertThat(failed.get("status").asInt()).isEqualTo(429);
    }
  }

  @Test
  void bearerTokensSay401Or403AndAddTheirProperties() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "# tenants\ntok-acme tenant=acme env=prod\ntok-plain\n");
    try (IngestHarness h = new IngestHarness(tokens)) {
      byte[] usage = "{\"event_type\":\"usage\",\"request_id\":\"t-1\",\"properties\":{\"tenant\":\"evil\"}}"
          .getBytes();
      assertThat(h.post("/v1/events", "application/json", usage).statusCode()).isEqualTo(401);
      assertThat(h.post("/v1/events", "application/json", usage, "Authorization", "Bearer nope").statusCode())
          .isEqualTo(403);
      assertThat(h.post("/v1/traces", PROTOBUF, new byte[0], "Authorization", "Bearer tok-acm").statusCode())
          .isEqualTo(403);
      assertThat(h.post("/v1/events", "application/json", usage, "Authorization", "Bearer tok-acme").statusCode())
          .isEqualTo(200);
      List<ConsumerRecord<String, String>> produced = h.produced();
      assertThat(produced).hasSize(1);
      JsonNode props = JSON.readTree(produced.get(0).value()).get("properties");
      assertThat(props.get("tenant").asText()).isEqualTo("acme");
      assertThat(props.get("env").asText()).isEqualTo("prod");
      assertThat(h.server.counters().get("requests", "events", "401")).isEqualTo(1);
      assertThat(h.server.counters().get("requests", "events", "403")).isEqualTo(1);
      assertThat(h.server.counters().get("requests", "traces", "403")).isEqualTo(1);
    }
  }

  @Test
  void kafkaUnreachableIs503WithRetryAfter() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (IngestHarness h = new IngestHarness(null, "127.0.0.1:" + closedPort)) {
      HttpResponse<byte[]> r = h.post("/v1/traces", PROTOBUF, traces(List.of(span(1, true))));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).contains("5");
      assertThat(rpcCode(r.body())).isEqualTo(14);
      HttpResponse<byte[]> l = h.post("/v1/litellm", "application/json",
          "{\"id\":\"x\",\"model\":\"gpt-4o\",\"custom_llm_provider\":\"openai\"}".getBytes());
      assertThat(l.statusCode()).isEqualTo(503);
      assertThat(h.server.counters().get("requests", "traces", "503")).isEqualTo(1);
      assertThat(h.server.counters().get("events", "traces", "")).isZero();
    }
  }

  @Test
  void aNonLoopbackAddressWithoutTokensIsRefusedAtStart() {
    Properties kafka = new Properties();
    kafka.put("bootstrap.servers", "127.0.0.1:9");
    assertThatThrownBy(() -> IngestServer.start(new IngestSettings(new HttpSettings("0.0.0.0", null), 0, "t",
        1024, Duration.ofSeconds(1), 2, Duration.ofSeconds(1)), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without bearer tokens");
  }
}
