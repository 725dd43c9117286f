package dev.costpipe.engine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RawEventParserTest {

  @Test
  void parsesTheEnvelope() {
    RawEvent e = RawEventParser.parse("{\"request_id\":\"r\",\"event_type\":\"request\",\"timestamp\":\"2025-06-01T10:00:00Z\","
        + "\"provider\":\"OpenAI\",\"headers\":{\"Helicone-User-Id\":\"u1\"},\"request_body\":\"{\\\"model\\\":\\\"gpt-4o\\\"}\"}");
    assertThat(e.provider()).isEqualTo("openai");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2025-06-01T10:00:00Z"));
    assertThat(e.requestBody().path("model").asText()).isEqualTo("gpt-4o");
    assertThat(RawEventParser.parse("{\"request_id\":\"r\",\"event_type\":\"request\",\"timestamp\":1748772000000}")
        .timestamp()).isEqualTo(Instant.parse("2025-06-01T10:00:00Z"));
  }

  @Test
  void chunkTextIsSplitIntoPayloads() {
    RawEvent e = RawEventParser.parse("{\"request_id\":\"r\",\"event_type\":\"chunk\",\"seq\":0,"
        + "\"chunk\":\"event: message_delta\\ndata: {\\\"type\\\":\\\"message_delta\\\"}\\n\\ndata: [DONE]\\n\\n\"}");
    assertThat(e.chunk()).hasSize(1);
    assertThat(e.chunk().get(0).path("type").asText()).isEqualTo("message_delta");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json | invalid_json",
      "[1,2] | invalid_json",
      "{\"event_type\":\"request\"} | missing_request_id",
      "{\"request_id\":\"r\",\"event_type\":\"reply\"} | invalid_event_type",
      "{\"request_id\":\"r\",\"event_type\":\"chunk\",\"chunk\":{}} | invalid_field",
      "{\"request_id\":\"r\",\"event_type\":\"chunk\",\"seq\":-1,\"chunk\":{}} | invalid_field",
      "{\"request_id\":\"r\",\"event_type\":\"chunk\",\"seq\":0,\"chunk\":\"data: {oops\"} | invalid_body",
      "{\"request_id\":\"r\",\"event_type\":\"chunk\",\"seq\":0,\"chunk\":\"hello there\"} | invalid_body",
      "{\"request_id\":\"r\",\"event_type\":\"response\",\"response_body\":\"<html>\"} | invalid_body",
      "{\"request_id\":\"r\",\"event_type\":\"response\",\"response_body\":[1]} | invalid_body",
      "{\"request_id\":\"r\",\"event_type\":\"response\",\"status\":\"200\"} | invalid_field",
      "{\"request_id\":\"r\",\"event_type\":\"response\",\"timestamp\":\"yesterday\"} | invalid_field",
      "{\"request_id\":\"r\",\"event_type\":\"response\",\"headers\":{\"a\":{}}} | invalid_field",
      "{\"request_id\":7,\"event_type\":\"response\"} | invalid_field",
  })
  void refusesBadInputWithAReason(String json, String reason) {
    assertThatThrownBy(() -> RawEventParser.parse(json))
        .isInstanceOfSatisfying(BadEventException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void refusesNonUtf8Bytes() {
    byte[] bytes = "{\"request_id\":\"r\u00FF\",\"event_type\":\"request\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> RawEventParser.parse(bytes))
        .isInstanceOfSatisfying(BadEventException.class, e -> assertThat(e.reason()).isEqualTo("invalid_json"));
  }

  @Test
  void tagsAreCaseInsensitiveAndKeepPropertyCase() {
    CallerTags t = CallerTags.from(java.util.Map.of("helicone-user-id", "u", "HELICONE-SESSION-NAME", "support",
        "Helicone-Property-Environment", "production", "helicone-property-feature", "chat", "X-Other", "y"));
    assertThat(t.userId()).isEqualTo("u");
    assertThat(t.sessionName()).isEqualTo("support");
    assertThat(t.properties()).containsOnly(java.util.Map.entry("Environment", "production"),
        java.util.Map.entry("feature", "chat"));
  }
}
