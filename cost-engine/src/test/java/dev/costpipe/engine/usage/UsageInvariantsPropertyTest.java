package dev.costpipe.engine.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.usage.processors.AnthropicUsageProcessor;
import dev.costpipe.engine.usage.processors.BedrockConverseUsageProcessor;
import dev.costpipe.engine.usage.processors.DeepSeekUsageProcessor;
import dev.costpipe.engine.usage.processors.GeminiUsageProcessor;
import dev.costpipe.engine.usage.processors.OpenAiChatUsageProcessor;
import dev.costpipe.engine.usage.processors.OpenAiResponsesUsageProcessor;
import dev.costpipe.engine.usage.processors.XaiUsageProcessor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Property-style: for thousands of random but well-formed provider usage objects, every processor
 * yields usage where input counts every prompt token, output every completion token, and the parts
 * stay within their totals — whatever each provider's own convention for what its totals include.
 */
class UsageInvariantsPropertyTest {
  private static final int CASES = 5_000;
  private static final long SEED = 20261123;
  private final Random random = new Random(SEED);

  @AfterEach
  void printCases(TestInfo test) {
    System.out.printf("%s: %d cases (seed %d)%n", test.getDisplayName(), CASES, SEED);
  }

  private long n(int max) {
    return random.nextInt(4) == 0 ? 0 : random.nextInt(max);
  }

  @Test
  void openAiTotalsIncludeTheirParts() {
    for (int i = 0; i < CASES; i++) {
      long cached = n(50_000);
      long audioIn = n(1_000);
      long prompt = cached + audioIn + n(100_000);
      long reasoning = n(20_000);
      long audioOut = n(1_000);
      long completion = reasoning + audioOut + n(10_000);
      ObjectNode body = Json.MAPPER.createObjectNode();
      ObjectNode u = body.putObject("usage");
      u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
      u.putObject("prompt_tokens_details").put("cached_tokens", cached).put("audio_tokens", audioIn);
      u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning).put("audio_tokens", audioOut);
      Usage usage = new OpenAiChatUsageProcessor().fromBody(body).usage();
      assertThat(usage.invariantViolation()).isEmpty();
      assertThat(usage.inputTokens() + usage.outputTokens()).isEqualTo(prompt + completion);
      assertThat(usage.cacheReadTokens()).isEqualTo(cached);
      assertThat(usage.reasoningTokens()).isEqualTo(reasoning);
    }
  }

  @Test
  void xaiReasoningBesideCompletionIsAdded() {
    for (int i = 0; i < CASES; i++) {
      long prompt = n(100_000);
      long completion = n(10_000);
      long reasoning = n(20_000);
      ObjectNode body = Json.MAPPER.createObjectNode();
      ObjectNode u = body.putObject("usage");
      u.put("prompt_tokens", prompt).put("completion_tokens", completion)
          .put("total_tokens", prompt + completion + reasoning);
      u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
      Usage usage = new XaiUsageProcessor().fromBody(body).usage();
      assertThat(usage.invariantViolation()).isEmpty();
      assertThat(usage.inputTokens() + usage.outputTokens()).isEqualTo(prompt + completion + reasoning);
    }
  }

  @Test
  void anthropicInputExcludesCacheSoItIsAdded() {
    for (int i = 0; i < CASES; i++) {
      long uncached = n(50_000);
      long read = n(100_000);
      long w5 = n(10_000);
      long w1h = n(10_000);
      long out = n(8_000);
      long searches = n(5);
      ObjectNode u = Json.MAPPER.createObjectNode();
      u.put("input_tokens", uncached).put("cache_read_input_tokens", read)
          .put("cache_creation_input_tokens", w5 + w1h).put("output_tokens", out);
      u.putObject("cache_creation").put("ephemeral_5m_input_tokens", w5).put("ephemeral_1h_input_tokens", w1h);
      u.putObject("server_tool_use").put("web_search_requests", searches);
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.put("type", "message").set("usage", u);
      Usage fromBody = new AnthropicUsageProcessor().fromBody(body).usage();
      assertThat(fromBody.invariantViolation()).isEmpty();
      assertThat(fromBody.inputTokens()).isEqualTo(uncached + read + w5 + w1h);
      assertThat(fromBody.uncachedTextInputTokens()).isEqualTo(uncached);
      assertThat(fromBody.webSearchCalls()).isEqualTo(searches);

      // the same usage streamed: input side in message_start, cumulative output in message_delta
      ObjectNode start = Json.MAPPER.createObjectNode().put("type", "message_start");
      ObjectNode startUsage = u.deepCopy();
      startUsage.put("output_tokens", 1);
      startUsage.remove("server_tool_use");
      start.putObject("message").set("usage", startUsage);
      ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "message_delta");
      ObjectNode deltaUsage = delta.putObject("usage").put("output_tokens", out);
      deltaUsage.set("server_tool_use", u.get("server_tool_use"));
      Usage streamed = new AnthropicUsageProcessor().fromStream(List.of(start, delta)).usage();
      assertThat(streamed).isEqualTo(fromBody);
    }
  }

  @Test
  void geminiCandidatesExcludeThoughtsSoTheyAreAdded() {
    for (int i = 0; i < CASES; i++) {
      long cached = n(50_000);
      long prompt = cached + n(100_000);
      long toolUse = n(2_000);
      long candidates = n(8_000);
      long thoughts = n(20_000);
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.putObject("usageMetadata").put("promptTokenCount", prompt).put("cachedContentTokenCount", cached)
          .put("toolUsePromptTokenCount", toolUse).put("candidatesTokenCount", candidates)
          .put("thoughtsTokenCount", thoughts).put("totalTokenCount", prompt + toolUse + candidates + thoughts);
      Usage usage = new GeminiUsageProcessor().fromBody(body).usage();
      assertThat(usage.invariantViolation()).isEmpty();
      assertThat(usage.inputTokens() + usage.outputTokens())
          .isEqualTo(body.path("usageMetadata").path("totalTokenCount").asLong());
    }
  }

  @Test
  void bedrockAndDeepSeekAndResponses() {
    for (int i = 0; i < CASES; i++) {
      long in = n(50_000);
      long read = n(50_000);
      long write = n(10_000);
      long out = n(5_000);
      ObjectNode bedrock = Json.MAPPER.createObjectNode();
      bedrock.putObject("usage").put("inputTokens", in).put("cacheReadInputTokens", read)
          .put("cacheWriteInputTokens", write).put("outputTokens", out);
      Usage b = new BedrockConverseUsageProcessor().fromBody(bedrock).usage();
      assertThat(b.invariantViolation()).isEmpty();
      assertThat(b.inputTokens()).isEqualTo(in + read + write);

      ObjectNode deepseek = Json.MAPPER.createObjectNode();
      deepseek.putObject("usage").put("prompt_tokens", in + read).put("prompt_cache_hit_tokens", read)
          .put("prompt_cache_miss_tokens", in).put("completion_tokens", out);
      Usage d = new DeepSeekUsageProcessor().fromBody(deepseek).usage();
      assertThat(d.invariantViolation()).isEmpty();
      assertThat(d.cacheReadTokens()).isEqualTo(read);

      ObjectNode responses = Json.MAPPER.createObjectNode().put("object", "response");
      ObjectNode u = responses.putObject("usage").put("input_tokens", in + read).put("output_tokens", out + write);
      u.putObject("input_tokens_details").put("cached_tokens", read);
      u.putObject("output_tokens_details").put("reasoning_tokens", write);
      Usage r = new OpenAiResponsesUsageProcessor().fromBody(responses).usage();
      assertThat(r.invariantViolation()).isEmpty();
      assertThat(r.reasoningTokens()).isEqualTo(write);
    }
  }
}
