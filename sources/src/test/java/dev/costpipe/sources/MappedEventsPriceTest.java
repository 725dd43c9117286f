package dev.costpipe.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.litellm.LiteLlmMapper;
import dev.costpipe.sources.otlp.OtlpEncoding;
import dev.costpipe.sources.otlp.OtlpMapper;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the mappings make is what the engine takes: every usage event mapped from the fixtures parses as the
 * engine's envelope, completes alone and is priced (or says why not), with no field the engine refuses.
 */
class MappedEventsPriceTest {
  private static final CostEngine ENGINE = CostEngine.builtIn();

  private static byte[] fixture(String path) throws Exception {
    try (InputStream in = MappedEventsPriceTest.class.getResourceAsStream("/fixtures/" + path)) {
      return in.readAllBytes();
    }
  }

  private static CostRecord price(ObjectNode event) {
    var e = RawEventParser.parse(event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ENGINE.validate(e);
    PartialRequest p = new PartialRequest(e.requestId());
    p.add(e);
    assertThat(p.isComplete()).as("a usage event is a whole request: " + event).isTrue();
    return ENGINE.price(p.toMerged(), Instant.EPOCH);
  }

  @Test
  void otlpGenAiSpansBecomeEventsTheEnginePrices() throws Exception {
    MappedBatch batch = OtlpMapper.map(fixture("otlp/genai_spans.json"), OtlpEncoding.JSON);
    assertThat(batch.events()).isNotEmpty();
    for (ObjectNode event : batch.events()) {
      CostRecord c = price(event);
      assertThat(c.pricingStatus()).as(event.toString()).isIn(PricingStatus.PRICED, PricingStatus.UNKNOWN_MODEL,
          PricingStatus.NO_USAGE);
      if (c.pricingStatus() == PricingStatus.PRICED) {
        assertThat(c.costNanoUsd()).isNotNull();
      }
    }
    assertThat(batch.events().stream().map(MappedEventsPriceTest::price))
        .anySatisfy(c -> assertThat(c.pricingStatus()).isEqualTo(PricingStatus.PRICED));
  }

  @Test
  void liteLlmPayloadsBecomeEventsTheEnginePricesWithTheirReportedCostBeside() throws Exception {
    for (String f : List.of("anthropic_cache_older.json", "anthropic_vertex_cache_current.json", "batch.ndjson",
        "batch_array.json", "openai_stream_success.json")) {
      MappedBatch batch = LiteLlmMapper.map(fixture("litellm/" + f));
      assertThat(batch.events()).as(f).isNotEmpty();
      for (ObjectNode event : batch.events()) {
        CostRecord c = price(event);
        assertThat(c.pricingStatus()).as(f + ": " + event).isNotNull();
        if ("gpt-4o".equals(c.model()) && c.costNanoUsd() != null && c.costNanoUsd() > 0) {
          // LiteLLM's response_cost for these calls is gpt-4o's list price too: the two agree to the nano-USD
          assertThat(c.costNanoUsd()).as(f).isEqualTo(c.reportedCostNanoUsd());
        }
        if (event.hasNonNull("reported_cost_usd")) {
          assertThat(c.reportedCostNanoUsd()).as(f).isNotNull();
        }
      }
    }
  }
}
