package dev.costpipe.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/** The OTLP input: a topic of spans as the Collector's Kafka exporter writes them, read beside the raw events. */
public class OtlpInputTopologyTest {
  private static final Instant AT = Instant.parse("2026-06-01T00:00:00Z");

  private static Properties otlp(String encoding) {
    Properties p = new Properties();
    p.setProperty("costpipe.input.otlp-topic", "otlp_spans");
    p.setProperty("costpipe.input.otlp-encoding", encoding);
    return p;
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  /** Two OpenAI chat spans and an agent span summing them, as one exporter batch keyed by trace. */
  public static ExportTraceServiceRequest spans() {
    long end = AT.toEpochMilli() * 1_000_000L;
    ByteString trace = ByteString.copyFrom(HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c"));
    Span.Builder chat = Span.newBuilder().setTraceId(trace).setName("chat gpt-4o-mini")
        .setStartTimeUnixNano(end - 1_000_000_000L).setEndTimeUnixNano(end)
        .addAttributes(attr("gen_ai.operation.name", "chat")).addAttributes(attr("gen_ai.provider.name", "openai"))
        .addAttributes(attr("gen_ai.request.model", "gpt-4o-mini"));
    Span first = chat.clone().setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("eee19b7ec3c1b174")))
        .addAttributes(attr("gen_ai.response.id", "chatcmpl-1")).addAttributes(attr("gen_ai.usage.input_tokens", 1000))
        .addAttributes(attr("gen_ai.usage.output_tokens", 100)).build();
    Span second = chat.clone().setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("eee19b7ec3c1b175")))
        .addAttributes(attr("gen_ai.response.id", "chatcmpl-2")).addAttributes(attr("gen_ai.usage.input_tokens", 2000))
        .addAttributes(attr("gen_ai.usage.output_tokens", 10)).build();
    Span agent = Span.newBuilder().setTraceId(trace).setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("eee19b7ec3c1b176")))
        .setName("invoke_agent support").setStartTimeUnixNano(end - 2_000_000_000L).setEndTimeUnixNano(end)
        .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(attr("gen_ai.usage.input_tokens", 3000)).addAttributes(attr("gen_ai.usage.output_tokens", 110))
        .build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(first).addSpans(second).addSpans(agent))).build();
  }

  private static void assertPricedAsOpenAiCalls(List<CostRecord> costs) {
    // gpt-4o-mini: $0.15 per 1M input, $0.60 per 1M output tokens:
    // 1000 × 150 + 100 × 600 = 210,000 nano-USD; 2000 × 150 + 10 × 600 = 306,000; the agent span counts nothing
    assertThat(costs).extracting(CostRecord::requestId).containsExactlyInAnyOrder("chatcmpl-1", "chatcmpl-2");
    assertThat(costs).allSatisfy(c -> assertThat(c.pricingStatus()).isEqualTo(PricingStatus.PRICED));
    assertThat(costs).extracting(CostRecord::costNanoUsd).containsExactlyInAnyOrder(210_000L, 306_000L);
  }

  @Test
  void protobufSpansBecomeUsageEventsPricedLikeTheirCalls() {
    try (TopologyFixture f = new TopologyFixture(otlp("otlp_proto")).withBuiltInPrices()) {
      TestInputTopic<byte[], byte[]> in = f.driver.createInputTopic("otlp_spans", new ByteArraySerializer(),
          new ByteArraySerializer());
      in.pipeInput("5b8efff798038103d269b633813fc60c".getBytes(UTF_8), spans().toByteArray(), AT);
      assertPricedAsOpenAiCalls(f.readCosts());
      assertThat(f.counters.get("otlp.spans_ignored")).isEqualTo(1);
    }
  }

  @Test
  void jsonSpansToo() throws Exception {
    try (TopologyFixture f = new TopologyFixture(otlp("otlp_json")).withBuiltInPrices()) {
      TestInputTopic<byte[], byte[]> in = f.driver.createInputTopic("otlp_spans", new ByteArraySerializer(),
          new ByteArraySerializer());
      String json = com.google.protobuf.util.JsonFormat.printer().print(spans());
      in.pipeInput(null, json.getBytes(UTF_8), AT);
      assertPricedAsOpenAiCalls(f.readCosts());
    }
  }

  @Test
  void aRecordThatCannotBeDecodedIsADeadLetterWithItsReasonAndTheNextOneFlows() {
    try (TopologyFixture f = new TopologyFixture(otlp("otlp_proto")).withBuiltInPrices()) {
      TestInputTopic<byte[], byte[]> in = f.driver.createInputTopic("otlp_spans", new ByteArraySerializer(),
          new ByteArraySerializer());
      byte[] truncated = java.util.Arrays.copyOf(spans().toByteArray(), 40);
      in.pipeInput(null, truncated, AT);
      in.pipeInput(null, spans().toByteArray(), AT);
      var dead = f.deadLetters.readRecordsToList();
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), UTF_8))
            .isEqualTo("invalid_otlp");
        assertThat(r.value()).isEqualTo(truncated);
        assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC).value(), UTF_8))
            .isEqualTo("otlp_spans");
      });
      assertPricedAsOpenAiCalls(f.readCosts());
      assertThat(f.counters.get("dlq.invalid_otlp")).isEqualTo(1);
    }
  }
}
