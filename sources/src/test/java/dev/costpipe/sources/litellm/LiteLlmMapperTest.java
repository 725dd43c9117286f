package dev.costpipe.sources.litellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.sources.Fixtures;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.envelope.UnparseableBodyException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiteLlmMapperTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void litellmsOwnTestPayloadBecomesOneUsageEventWithItsCostExactly() throws Exception {
    MappedBatch b = LiteLlmMapper.map(Fixtures.bytes("litellm/openai_stream_success.json"));
    assertThat(b.rejects()).isEmpty();
    assertThat(b.events()).hasSize(1);
    ObjectNode e = b.events().get(0);
    assertThat(e.get("event_type").asText()).isEqualTo("usage");
    assertThat(e.get("request_id").asText()).isEqualTo("chatcmpl-2299b6a2-82a3-465a-b47c-04e685a2227f");
    assertThat(e.get("timestamp").asText()).isEqualTo("2025-01-24T09:20:46.847371Z");
    assertThat(e.get("provider").asText()).isEqualTo("openai");
    assertThat(e.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(e.get("usage").get("input_tokens").asLong()).isEqualTo(10);
    assertThat(e.get("usage").get("output_tokens").asLong()).isEqualTo(20);
    assertThat(e.get("status").asInt()).isEqualTo(200);
    assertThat(e.get("streamed").asBoolean()).isTrue();
    assertThat(e.get("cache_hit").asBoolean()).isFalse();
    assertThat(e.get("reported_cost_usd").asText()).isEqualTo("0.00022500000000000002");
    assertThat(e.get("source").asText()).isEqualTo("litellm");
    assertThat(e.has("session_id")).as("trace_id null").isFalse();
  }

  @Test
  void currentUsageObjectCountsCacheInsidePromptTokensAndTheRouteIsDropped() throws Exception {
    MappedBatch b = LiteLlmMapper.map(Fixtures.bytes("litellm/anthropic_vertex_cache_current.json"));
    ObjectNode e = b.events().get(0);
    assertThat(e.get("provider").asText()).isEqualTo("vertex");
    assertThat(e.get("model").asText()).isEqualTo("claude-3-5-sonnet-v2@20241022");
    assertThat(e.get("request_id").asText()).as("the trace id is never the request id").isEqualTo("msg_vrtx_01ABCD");
    assertThat(e.get("session_id").asText()).isEqualTo("litellm-trace-7");
    assertThat(e.get("timestamp").asText()).isEqualTo("2025-03-24T22:25:51.250Z");
    ObjectNode u = (ObjectNode) e.get("usage");
    assertThat(u.get("input_tokens").asLong()).isEqualTo(3000);
    assertThat(u.get("cache_read_tokens").asLong()).isEqualTo(2048);
    assertThat(u.get("cache_write_tokens").asLong()).isEqualTo(512);
    assertThat(u.get("output_tokens").asLong()).isEqualTo(200);
    assertThat(u.get("reasoning_tokens").asLong()).isEqualTo(50);
    assertThat(e.get("user_id").asText()).isEqualTo("alice");
    assertThat(e.get("properties").get("team").asText()).isEqualTo("search-team");
    assertThat(e.get("properties").get("key_alias").asText()).isEqualTo("search-key");
    assertThat(e.get("properties").get("tags").asText()).isEqualTo("prod,search");
    assertThat(e.get("properties").get("environment").asText()).isEqualTo("production");
    assertThat(e.get("properties").get("model_group").asText()).isEqualTo("claude-sonnet");
    assertThat(e.get("reported_cost_usd").asText()).isEqualTo("0.0123456");
    assertThat(e.toString()).doesNotContain("SECRET");
  }

  @Test
  void imageAndVideoPromptTokensOfTheUsageObjectAreCarried() throws Exception {
    // LiteLLM's usage for the Gemini body of cost-engine's google/generate-content-image-input.json:
    // PromptTokensDetailsWrapper image_tokens (and video_tokens) beside cached_tokens
    ObjectNode e = LiteLlmMapper.map(withUsageObject(
        "{\"prompt_tokens\": 2116, \"completion_tokens\": 240, \"prompt_tokens_details\": "
            + "{\"cached_tokens\": 0, \"text_tokens\": 310, \"image_tokens\": 1806, \"video_tokens\": null}}"))
        .events().get(0);
    assertThat(e.get("usage").get("input_tokens").asLong()).isEqualTo(2116);
    assertThat(e.get("usage").get("image_input_tokens").asLong()).isEqualTo(1806);
    assertThat(e.get("usage").has("video_input_tokens")).as("none: not written").isFalse();

    // cached images counted in image_tokens too: what does not fit beside the cache reads is taken as cached
    ObjectNode cached = LiteLlmMapper.map(withUsageObject(
        "{\"prompt_tokens\": 9660, \"completion_tokens\": 7, \"prompt_tokens_details\": "
            + "{\"cached_tokens\": 9651, \"image_tokens\": 258}}")).events().get(0);
    assertThat(cached.get("usage").get("image_input_tokens").asLong()).isEqualTo(9);
  }

  private static byte[] withUsageObject(String usage) throws Exception {
    ObjectNode payload = (ObjectNode) JSON.readTree(Fixtures.bytes("litellm/openai_stream_success.json"));
    ((ObjectNode) payload.with("metadata")).set("usage_object", JSON.readTree(usage));
    return JSON.writeValueAsBytes(payload);
  }

  @Test
  void olderAnthropicPromptTokensWithoutCacheGetTheCacheAdded() throws Exception {
    ObjectNode e = LiteLlmMapper.map(Fixtures.bytes("litellm/anthropic_cache_older.json")).events().get(0);
    assertThat(e.get("provider").asText()).isEqualTo("anthropic");
    assertThat(e.get("model").asText()).isEqualTo("claude-3-5-sonnet-20241022");
    assertThat(e.get("usage").get("input_tokens").asLong()).isEqualTo(440 + 2048 + 512);
    assertThat(e.get("usage").get("cache_read_tokens").asLong()).isEqualTo(2048);
    assertThat(e.get("usage").get("cache_write_tokens").asLong()).isEqualTo(512);
  }

  @Test
  void ndjsonAndArrayCarryFailuresAndCacheHits() throws Exception {
    for (String f : new String[] {"litellm/batch.ndjson", "litellm/batch_array.json"}) {
      MappedBatch b = LiteLlmMapper.map(Fixtures.bytes(f));
      assertThat(b.events()).as(f).hasSize(3);
      ObjectNode failure = b.events().get(1);
      assertThat(failure.get("status").asInt()).isEqualTo(429);
      assertThat(failure.get("usage").get("input_tokens").asLong()).isZero();
      assertThat(failure.get("usage").get("output_tokens").asLong()).isZero();
      ObjectNode hit = b.events().get(2);
      assertThat(hit.get("cache_hit").asBoolean()).isTrue();
      assertThat(hit.get("usage").get("input_tokens").asLong()).as("the savings stay computable").isEqualTo(10);
    }
  }

  @Test
  void unmappedProviderIsFlaggedAndKeptAsSent() throws Exception {
    String p = "{\"id\":\"x1\",\"custom_llm_provider\":\"acme_cloud\",\"model\":\"m\",\"prompt_tokens\":1,"
        + "\"completion_tokens\":2,\"status\":\"success\"}";
    MappedBatch b = LiteLlmMapper.map(p.getBytes(StandardCharsets.UTF_8));
    assertThat(b.events().get(0).get("provider").asText()).isEqualTo("acme_cloud");
    assertThat(b.warnings()).containsExactly("item 0: unmapped provider acme_cloud");
  }

  @Test
  void anItemWithoutIdIsRejectedTheOthersKept() throws Exception {
    String body = "[{\"trace_id\":\"t\",\"model\":\"gpt-4o\",\"custom_llm_provider\":\"openai\"}, 5,"
        + " {\"id\":\"ok\",\"model\":\"gpt-4o\",\"custom_llm_provider\":\"openai\",\"prompt_tokens\":3}]";
    MappedBatch b = LiteLlmMapper.map(body.getBytes(StandardCharsets.UTF_8));
    assertThat(b.events()).hasSize(1);
    assertThat(b.rejects()).extracting(Object::toString).containsExactly(
        "item 0: no id (trace_id is never used as the request id)", "item 1: not a JSON object");
  }

  @Test
  void bodyThatIsNotJsonIsRefusedWhole() {
    assertThatThrownBy(() -> LiteLlmMapper.map("{\"id\":\"a\"}\n{broken".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnparseableBodyException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> LiteLlmMapper.map("hello".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnparseableBodyException.class);
  }
}
