package dev.costpipe.engine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The usage event as usage-event.md fixes its shape, and the input it refuses. */
class UsageEventParserTest {
  private static final String SPEC_EXAMPLE = "{\"event_type\":\"usage\",\"request_id\":\"chatcmpl-abc\","
      + "\"timestamp\":\"2026-11-20T09:15:02Z\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\","
      + "\"usage\":{\"input_tokens\":1200,\"output_tokens\":40,\"cache_read_tokens\":1024,\"cache_write_tokens\":0,"
      + "\"reasoning_tokens\":0,\"service_tier\":\"flex\"},"
      + "\"user_id\":\"alice\",\"session_id\":\"sess-1\",\"properties\":{\"team\":\"search\"},"
      + "\"headers\":{\"Helicone-Property-Environment\":\"production\"},"
      + "\"status\":200,\"cache_hit\":false,\"streamed\":false,\"reported_cost_usd\":\"0.000127200\",\"source\":\"otlp\"}";

  @Test
  void readsTheAgreedShape() {
    RawEvent e = RawEventParser.parse(SPEC_EXAMPLE);
    assertThat(e.type()).isEqualTo(EventType.USAGE);
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-20T09:15:02Z"));
    assertThat(e.usageReport().usage()).isEqualTo(Usage.builder().inputTokens(1200).outputTokens(40)
        .cacheReadTokens(1024).serviceTier("flex").build());
    assertThat(e.usageReport().reportedCostUsd()).isEqualTo(new BigDecimal("0.000127200"));
    assertThat(e.usageReport().source()).isEqualTo("otlp");
    assertThat(e.usageReport().streamed()).isFalse();
    assertThat(e.status()).isEqualTo(200);
    assertThat(CallerTags.from(e.headers())).isEqualTo(new CallerTags("alice", "sess-1", null, null,
        Map.of("Environment", "production", "team", "search")));
  }

  @Test
  void statusDefaultsTo200AndTheJsonFormReadsBackEqual() {
    RawEvent e = RawEventParser.parse("{\"event_type\":\"usage\",\"request_id\":\"r\",\"usage\":{\"input_tokens\":5}}");
    assertThat(e.status()).isEqualTo(200);
    RawEvent full = RawEventParser.parse(SPEC_EXAMPLE);
    assertThat(RawEventParser.parse(RawEventJson.toTree(full))).isEqualTo(full);
  }

  @Test
  void reportedCostIsReadExactlyFromANumberToo() {
    RawEvent e = RawEventParser.parse("{\"event_type\":\"usage\",\"request_id\":\"r\",\"usage\":{},"
        + "\"reported_cost_usd\":0.1000000000000000000001}");
    assertThat(e.usageReport().reportedCostUsd()).isEqualTo(new BigDecimal("0.1000000000000000000001"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"usage\":{\"input_tokens\":-1} | invalid_usage",
      "\"usage\":{\"input_tokens\":\"12\"} | invalid_usage",
      "\"usage\":{\"input_tokens\":1.5} | invalid_usage",
      "\"usage\":{\"input_tokens\":1e12} | invalid_usage",
      "\"usage\":{\"prompt_tokens\":10} | invalid_usage",
      "\"usage\":{\"input_tokens\":10,\"cache_read_tokens\":11} | invalid_usage",
      "\"usage\":{\"output_tokens\":1,\"reasoning_tokens\":2} | invalid_usage",
      "\"usage\":{\"service_tier\":1} | invalid_usage",
      "\"usage\":[] | invalid_usage",
      "\"status\":200 | invalid_usage",
      "\"usage\":{},\"reported_cost_usd\":\"-0.01\" | invalid_field",
      "\"usage\":{},\"reported_cost_usd\":\"abc\" | invalid_field",
      "\"usage\":{},\"reported_cost_usd\":true | invalid_field",
      "\"usage\":{},\"reported_cost_usd\":\"1e9\" | invalid_field",
      "\"usage\":{},\"properties\":{\"team\":1} | invalid_field",
      "\"usage\":{},\"properties\":[] | invalid_field",
      "\"usage\":{},\"user_id\":7 | invalid_field",
      "\"usage\":{},\"streamed\":\"yes\" | invalid_field",
      "\"usage\":{},\"response_body\":{\"usage\":{}} | invalid_field",
      "\"usage\":{},\"status\":\"200\" | invalid_field",
  })
  void refusesBadFields(String fields, String reason) {
    assertThatThrownBy(() -> RawEventParser.parse("{\"event_type\":\"usage\",\"request_id\":\"r\"," + fields + "}"))
        .isInstanceOfSatisfying(BadEventException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void aFailedCallMayLeaveUsageOut() {
    RawEvent e = RawEventParser.parse("{\"event_type\":\"usage\",\"request_id\":\"r\",\"status\":503}");
    assertThat(e.usageReport().usage()).isEqualTo(Usage.ZERO);
  }
}
