package dev.costpipe.engine.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.json.Json;
import org.junit.jupiter.api.Test;

class BedrockChunkBytesTest {

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  @Test
  void decodesTheEventInsideChunkBytesOrAPayloadPart() throws Exception {
    // base64 of {"type":"message_stop"}
    String bytes = "eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=";
    assertThat(BedrockChunkBytes.decode(json("{\"chunk\":{\"bytes\":\"" + bytes + "\"}}")).path("type").asText())
        .isEqualTo("message_stop");
    assertThat(BedrockChunkBytes.decode(json("{\"bytes\":\"" + bytes + "\"}")).path("type").asText())
        .isEqualTo("message_stop");
  }

  @Test
  void leavesOtherPayloadsAsTheyAre() throws Exception {
    JsonNode event = json("{\"type\":\"message_delta\",\"bytes\":\"not ours\"}");
    assertThat(BedrockChunkBytes.decode(event)).isSameAs(event);
  }

  @Test
  void bytesThatAreNotBase64JsonAreAnInvalidBody() {
    assertThatThrownBy(() -> BedrockChunkBytes.decode(json("{\"chunk\":{\"bytes\":\"%%%\"}}")))
        .isInstanceOf(BadEventException.class).hasMessageContaining("base64");
    // base64 of the JSON array [1]
    assertThatThrownBy(() -> BedrockChunkBytes.decode(json("{\"chunk\":{\"bytes\":\"WzFd\"}}")))
        .isInstanceOf(BadEventException.class).hasMessageContaining("JSON object");
  }
}
