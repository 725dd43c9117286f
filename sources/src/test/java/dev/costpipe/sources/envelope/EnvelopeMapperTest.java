package dev.costpipe.sources.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeMapperTest {

  private static MappedBatch map(String body) throws UnparseableBodyException {
    return EnvelopeMapper.map(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void objectArrayAndNdjsonPassThroughUnchanged() throws Exception {
    String usage = "{\"event_type\":\"usage\",\"request_id\":\"r1\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\","
        + "\"usage\":{\"input_tokens\":1200,\"output_tokens\":40,\"service_tier\":\"flex\"},"
        + "\"reported_cost_usd\":0.000127200000000000001}";
    String request = "{\"event_type\":\"request\",\"request_id\":\"r2\",\"request_body\":{\"model\":\"gpt-4o\"}}";
    assertThat(map(usage).events()).hasSize(1);
    assertThat(map(usage).events().get(0).toString()).as("decimals exactly as sent")
        .contains("0.000127200000000000001");
    assertThat(map("[" + usage + "," + request + "]").events()).hasSize(2);
    assertThat(map(usage + "\n" + request + "\n").events()).hasSize(2);
    assertThat(map("  \n").events()).isEmpty();
  }

  @Test
  void malformedEnvelopesAreRejectedWithTheirReason() throws Exception {
    MappedBatch b = map("[{\"event_type\":\"usage\"},"
        + "{\"event_type\":\"bogus\",\"request_id\":\"a\"},"
        + "{\"event_type\":\"chunk\",\"request_id\":\"a\"},"
        + "{\"event_type\":\"usage\",\"request_id\":\"a\",\"usage\":{\"input_tokens\":-1}},"
        + "{\"event_type\":\"usage\",\"request_id\":\"a\",\"reported_cost_usd\":\"cheap\"},"
        + "{\"event_type\":\"response\",\"request_id\":\"a\",\"headers\":{\"x\":1}},"
        + "{\"event_type\":\"response\",\"request_id\":\"ok\",\"status\":200}]");
    assertThat(b.events()).hasSize(1);
    assertThat(b.rejects()).extracting(Reject::reason).containsExactly(
        "request_id: a non-empty string is required",
        "event_type: one of request, chunk, response, usage is required",
        "seq: a chunk needs its 0-based position",
        "usage.input_tokens: a non-negative integer",
        "reported_cost_usd: a decimal number",
        "headers: an object of strings");
  }

  @Test
  void defaultPropertiesWinAndReachRawEventsAsHeliconeHeaders() throws Exception {
    MappedBatch b = map("{\"event_type\":\"usage\",\"request_id\":\"u\","
        + "\"properties\":{\"tenant\":\"evil\",\"a\":\"b\"}}\n"
        + "{\"event_type\":\"request\",\"request_id\":\"r\",\"headers\":{\"helicone-property-tenant\":\"evil\"}}");
    b.events().forEach(e -> DefaultProperties.apply(e, Map.of("tenant", "acme")));
    assertThat(b.events().get(0).get("properties").toString()).isEqualTo("{\"tenant\":\"acme\",\"a\":\"b\"}");
    assertThat(b.events().get(1).get("headers").toString()).isEqualTo("{\"Helicone-Property-tenant\":\"acme\"}");
  }
}
