package dev.costpipe.sources.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.costpipe.sources.Fixtures;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.envelope.UnparseableBodyException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OtlpMapperTest {

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  static Span.Builder span(int n, KeyValue... attributes) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c")))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(String.format("%016x", n))))
        .setStartTimeUnixNano(1_763_630_102_000_000_000L).addAllAttributes(Arrays.asList(attributes));
  }

  static ExportTraceServiceRequest request(Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(Arrays.asList(spans)))).build();
  }

  @Test
  void otlpJsonFixtureMapsModelCallsOnlyWithHexIdsAndStringOrNumberInts() throws Exception {
    MappedBatch b = OtlpMapper.map(Fixtures.bytes("otlp/genai_spans.json"), OtlpEncoding.JSON);
    assertThat(b.rejects()).isEmpty();
    assertThat(b.ignored()).as("invoke_agent and the HTTP span").isEqualTo(2);
    assertThat(b.events()).hasSize(2);

    ObjectNode bedrock = b.events().get(0);
    assertThat(bedrock.get("request_id").asText()).isEqualTo("msg_bdrk_01XYZ");
    assertThat(bedrock.get("provider").asText()).isEqualTo("bedrock");
    assertThat(bedrock.get("model").asText()).isEqualTo("anthropic.claude-3-5-sonnet-20240620-v1:0");
    assertThat(bedrock.get("timestamp").asText()).isEqualTo("2025-11-20T09:15:02Z");
    assertThat(bedrock.get("usage").get("input_tokens").asLong()).as("cache inside, as 1.40+ says").isEqualTo(3000);
    assertThat(bedrock.get("usage").get("output_tokens").asLong()).isEqualTo(200);
    assertThat(bedrock.get("usage").get("cache_read_tokens").asLong()).isEqualTo(2048);
    assertThat(bedrock.get("usage").get("cache_write_tokens").asLong()).isEqualTo(512);
    assertThat(bedrock.get("session_id").asText()).isEqualTo("conv-42");
    assertThat(bedrock.get("user_id").asText()).isEqualTo("alice");
    assertThat(bedrock.get("status").asInt()).isEqualTo(200);

    ObjectNode old = b.events().get(1);
    assertThat(old.get("request_id").asText()).as("no response id: trace and span id")
        .isEqualTo("5b8efff798038103d269b633813fc60c-eee19b7ec3c1b175");
    assertThat(old.get("provider").asText()).isEqualTo("anthropic");
    assertThat(old.get("usage").get("input_tokens").asLong()).isEqualTo(1000);
    assertThat(old.get("usage").get("cache_read_tokens").asLong()).isEqualTo(600);
    assertThat(b.events().toString()).doesNotContain("SECRET");
  }

  @Test
  void protobufGivesTheSameAsJson() throws Exception {
    byte[] json = Fixtures.bytes("otlp/genai_spans.json");
    ExportTraceServiceRequest decoded = OtlpDecoder.decode(json, OtlpEncoding.JSON);
    MappedBatch fromProto = OtlpMapper.map(decoded.toByteArray(), OtlpEncoding.PROTOBUF);
    assertThat(fromProto.events()).isEqualTo(OtlpMapper.map(json, OtlpEncoding.JSON).events());
  }

  @Test
  void responseModelWinsAndCloudProvidersMapToTheCloud() {
    MappedBatch b = OtlpMapper.map(request(
        span(1, attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "gcp.vertex_ai"),
            attr("gen_ai.request.model", "gemini-2.5-pro"), attr("gen_ai.response.model", "gemini-2.5-pro-002"),
            attr("gen_ai.usage.input_tokens", 10), attr("gen_ai.usage.output_tokens", 5)).build(),
        span(2, attr("gen_ai.operation.name", "generate_content"), attr("gen_ai.system", "gcp.gemini"),
            attr("gen_ai.request.model", "gemini-2.5-flash"), attr("gen_ai.usage.input_tokens", 1)).build(),
        span(3, attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "azure.ai.openai"),
            attr("gen_ai.request.model", "gpt-4o"), attr("gen_ai.usage.input_tokens", 1)).build(),
        span(4, attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "x_ai"),
            attr("gen_ai.request.model", "grok-4"), attr("gen_ai.usage.input_tokens", 1)).build(),
        span(5, attr("gen_ai.operation.name", "embeddings"), attr("gen_ai.provider.name", "mistral_ai"),
            attr("gen_ai.request.model", "mistral-embed"), attr("gen_ai.usage.input_tokens", 1)).build()));
    assertThat(b.events()).extracting(e -> e.get("provider").asText() + "/" + e.get("model").asText())
        .containsExactly("vertex/gemini-2.5-pro-002", "google/gemini-2.5-flash", "azure/gpt-4o", "xai/grok-4",
            "mistral/mistral-embed");
    assertThat(b.warnings()).isEmpty();
  }

  @Test
  void unmappedProviderIsFlaggedNotGuessed() {
    MappedBatch b = OtlpMapper.map(request(span(1, attr("gen_ai.operation.name", "chat"),
        attr("gen_ai.provider.name", "gcp.gen_ai"), attr("gen_ai.request.model", "gemini-2.5-pro"),
        attr("gen_ai.usage.input_tokens", 10)).build()));
    assertThat(b.events().get(0).get("provider").asText()).isEqualTo("gcp.gen_ai");
    assertThat(b.warnings()).singleElement().asString().endsWith("unmapped provider gcp.gen_ai");
  }

  @Test
  void cacheCountsLeftOutOfInputAreAddedReasoningLikewise() {
    MappedBatch b = OtlpMapper.map(request(span(1, attr("gen_ai.operation.name", "chat"),
        attr("gen_ai.provider.name", "anthropic"), attr("gen_ai.request.model", "claude-sonnet-4"),
        attr("gen_ai.usage.input_tokens", 40), attr("gen_ai.usage.cache_read.input_tokens", 1000),
        attr("gen_ai.usage.cache_creation.input_tokens", 200), attr("gen_ai.usage.output_tokens", 10),
        attr("gen_ai.usage.reasoning.output_tokens", 30)).build()));
    ObjectNode u = (ObjectNode) b.events().get(0).get("usage");
    assertThat(u.get("input_tokens").asLong()).isEqualTo(1240);
    assertThat(u.get("output_tokens").asLong()).isEqualTo(40);
    assertThat(u.get("reasoning_tokens").asLong()).isEqualTo(30);
  }

  @Test
  void invalidSpansAreRejectedWithReasonsAndTheRestKept() {
    MappedBatch b = OtlpMapper.map(request(
        span(1, attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "openai"),
            attr("gen_ai.usage.input_tokens", 10)).build(),
        span(2, attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "openai"),
            attr("gen_ai.request.model", "gpt-4o"), attr("gen_ai.usage.input_tokens", "lots")).build(),
        span(3, attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "openai"),
            attr("gen_ai.request.model", "gpt-4o"), attr("gen_ai.usage.input_tokens", -5)).build(),
        span(4, attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "openai"),
            attr("gen_ai.request.model", "gpt-4o"), attr("gen_ai.usage.input_tokens", 7)).build()));
    assertThat(b.events()).hasSize(1);
    assertThat(b.rejects()).extracting(r -> r.reason()).containsExactly(
        "no gen_ai.response.model or gen_ai.request.model", "gen_ai.usage.input_tokens is not an integer",
        "gen_ai.usage.input_tokens is negative (-5)");
    assertThat(b.rejects().get(0).item()).isEqualTo("span 0af7651916cd43dd8448eb211c80319c/0000000000000001");
  }

  @Test
  void aFailedCallWithoutUsageIsAFailedUsageEvent() {
    MappedBatch b = OtlpMapper.map(request(span(1, attr("gen_ai.operation.name", "chat"),
        attr("gen_ai.provider.name", "openai"), attr("gen_ai.request.model", "gpt-4o"),
        attr("error.type", "429"), attr("http.response.status_code", 429))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)).build()));
    ObjectNode e = b.events().get(0);
    assertThat(e.get("status").asInt()).isEqualTo(429);
    assertThat(e.get("usage").get("input_tokens").asLong()).isZero();
  }

  @Test
  void emptyRequestsAreFineAndBrokenBodiesUnparseable() throws Exception {
    assertThat(OtlpMapper.map(new byte[0], OtlpEncoding.PROTOBUF).events()).isEmpty();
    assertThat(OtlpMapper.map("{}".getBytes(StandardCharsets.UTF_8), OtlpEncoding.JSON).events()).isEmpty();
    byte[] proto = OtlpDecoder.decode(Fixtures.bytes("otlp/genai_spans.json"), OtlpEncoding.JSON).toByteArray();
    assertThatThrownBy(() -> OtlpMapper.map(Arrays.copyOf(proto, proto.length / 2), OtlpEncoding.PROTOBUF))
        .isInstanceOf(UnparseableBodyException.class).hasMessageContaining("protobuf");
    assertThatThrownBy(() -> OtlpMapper.map("{\"resourceSpans\":".getBytes(StandardCharsets.UTF_8),
        OtlpEncoding.JSON)).isInstanceOf(UnparseableBodyException.class);
    assertThatThrownBy(() -> OtlpMapper.map("[1]".getBytes(StandardCharsets.UTF_8), OtlpEncoding.JSON))
        .isInstanceOf(UnparseableBodyException.class);
  }
}
