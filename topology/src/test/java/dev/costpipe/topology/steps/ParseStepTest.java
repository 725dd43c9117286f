package dev.costpipe.topology.steps;

import dev.costpipe.contracts.DeadLetterHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.pricing.PricingHolder;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class ParseStepTest {

  private static String header(Headers h, String name) {
    return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void badInputGoesToTheDeadLetterTopicWithReasonSourceAndOriginalBytes() {
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      byte[] notJson = {(byte) 0xff, 'x', '{'};
      f.rawBytes.pipeInput("k1".getBytes(StandardCharsets.UTF_8), notJson);
      f.raw.pipeInput("k2", "{\"request_id\":\"r\",\"event_type\":\"reply\"}");
      f.raw.pipeInput("k3", "{\"request_id\":\"r3\",\"event_type\":\"response\",\"provider\":\"openai\","
          + "\"response_body\":{\"usage\":{\"prompt_tokens\":-4}}}");
      f.rawBytes.pipeInput("k4".getBytes(StandardCharsets.UTF_8), (byte[]) null);
      f.raw.pipeInput("r5", Events.openAi("r5", "2026-06-01T00:00:01Z", "gpt-4o", 10, 5, Map.of()));

      var dead = f.deadLetters.readRecordsToList();
      assertThat(dead).hasSize(4);
      TestRecord<byte[], byte[]> first = dead.get(0);
      assertThat(first.value()).isEqualTo(notJson);
      assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("k1");
      assertThat(header(first.headers(), DeadLetterHeaders.REASON)).isEqualTo("invalid_json");
      assertThat(header(first.headers(), DeadLetterHeaders.STEP)).isEqualTo("parse");
      assertThat(header(first.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("llm.raw-events");
      assertThat(header(first.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
      assertThat(header(first.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
      assertThat(header(dead.get(1).headers(), DeadLetterHeaders.REASON)).isEqualTo("invalid_event_type");
      assertThat(header(dead.get(1).headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
      assertThat(header(dead.get(2).headers(), DeadLetterHeaders.REASON)).isEqualTo("invalid_usage");
      assertThat(header(dead.get(2).headers(), DeadLetterHeaders.STEP)).isEqualTo("validate");
      assertThat(header(dead.get(3).headers(), DeadLetterHeaders.REASON)).isEqualTo("null_value");

      assertThat(f.counters.get("dlq.invalid_json")).isEqualTo(1);
      assertThat(f.counters.get("dlq.invalid_usage")).isEqualTo(1);
      assertThat(f.readCosts()).extracting(r -> r.requestId()).containsExactly("r5");
    }
  }

  @Test
  void eventsKeyedOtherwiseAreReKeyedByRequestId() {
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      var events = Events.anthropicStream("s1", "2026-06-01T00:00:02Z", 100, 20);
      for (int i = 0; i < events.size(); i++) {
        f.raw.pipeInput(i % 2 == 0 ? "s1" : "some-other-key", events.get(i));
      }
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.requestId()).isEqualTo("s1");
        assertThat(r.usage().outputTokens()).isEqualTo(20);
        assertThat(r.errors()).isEmpty();
      });
    }
  }

  @Test
  void anOversizedBadEventLeavesItsFirstBytesAndItsSize() {
    try (TopologyFixture f = new TopologyFixture()) {
      byte[] big = new byte[DeadLetterHeaders.MAX_ORIGINAL_BYTES + 5000];
      java.util.Arrays.fill(big, (byte) 'x');
      f.rawBytes.pipeInput("k".getBytes(StandardCharsets.UTF_8), big);
      var dead = f.deadLetters.readRecord();
      assertThat(dead.value()).hasSize(DeadLetterHeaders.MAX_ORIGINAL_BYTES);
      assertThat(header(dead.headers(), DeadLetterHeaders.ORIGINAL_BYTES)).isEqualTo(Integer.toString(big.length));
      assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("invalid_json");
    }
  }

  @Test
  void onlyAnEventKeyedByItsRequestIdOnThatKeysMurmur2PartitionSkipsTheRepartitionTopic() {
    var context = new MockProcessorContext<String, ParsedEvent>();
    var step = new ParseStep(new PricingHolder(), new PipelineCounters(), Duration.ofMinutes(5), 3);
    step.init(context);
    String id = "req-42";
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    int murmur2 = Utils.toPositive(Utils.murmur2(key)) % 3;
    byte[] event = Events.openAi(id, "2026-06-01T00:00:01Z", "gpt-4o", 10, 5, Map.of()).getBytes(StandardCharsets.UTF_8);
    long at = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
    for (int partition = 0; partition < 3; partition++) {
      context.setRecordMetadata("llm.raw-events", partition, partition);
      step.process(new Record<>(key, event, at));
    }
    context.setRecordMetadata("llm.raw-events", murmur2, 3);
    step.process(new Record<>(null, event, at));
    step.process(new Record<>("other".getBytes(StandardCharsets.UTF_8), event, at));

    var forwarded = context.forwarded();
    assertThat(forwarded).allSatisfy(r -> assertThat(r.record().key()).isEqualTo(id));
    assertThat(forwarded).extracting(r -> r.record().value().onRequestIdPartition())
        .containsExactly(murmur2 == 0, murmur2 == 1, murmur2 == 2, false, false);
  }
}
