package dev.costpipe.sources.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.sources.envelope.UsageTokens;

/**
 * The usage of a LiteLLM payload, from the fullest place it is written: {@code metadata.usage_object}, else
 * {@code response.usage}, else the top-level {@code prompt_tokens}/{@code completion_tokens} (which carry no cache
 * or reasoning detail).
 *
 * <p>Whether {@code prompt_tokens} includes the cache tokens changed between LiteLLM releases for Anthropic-shaped
 * usage. The two meanings are told apart by the usage object's shape: an OpenAI-shaped usage with
 * {@code prompt_tokens_details} (current releases, which also put {@code cached_tokens} there) counts cache reads and
 * writes inside {@code prompt_tokens}; one with only Anthropic's {@code cache_read_input_tokens} /
 * {@code cache_creation_input_tokens} beside {@code prompt_tokens} and no details (older releases, whose Anthropic
 * cost calculator added the cache tokens on top of {@code prompt_tokens}) counts them outside, so they are added.
 * Either way a {@code prompt_tokens} smaller than the cache counts proves they are outside.
 *
 * <p>{@code prompt_tokens_details.image_tokens} and {@code video_tokens} are the image and video prompt tokens.
 */
final class LiteLlmUsage {
  private LiteLlmUsage() {}

  static UsageTokens read(JsonNode payload) {
    JsonNode usage = payload.path("metadata").path("usage_object");
    if (!usage.isObject()) {
      usage = payload.path("response").path("usage");
    }
    if (!usage.isObject()) {
      return new UsageTokens(count(payload, "prompt_tokens"), count(payload, "completion_tokens"), 0, 0, 0, 0, "");
    }
    long prompt = count(usage, "prompt_tokens");
    long completion = count(usage, "completion_tokens");
    JsonNode details = usage.path("prompt_tokens_details");
    boolean openAiShaped = details.isObject();
    long cacheRead = details.hasNonNull("cached_tokens") ? count(details, "cached_tokens")
        : count(usage, "cache_read_input_tokens");
    long cacheWrite = usage.hasNonNull("cache_creation_input_tokens") ? count(usage, "cache_creation_input_tokens")
        : count(details, "cache_creation_tokens");
    long reasoning = count(usage.path("completion_tokens_details"), "reasoning_tokens");
    if (!openAiShaped || prompt < cacheRead + cacheWrite) {
      prompt += cacheRead + cacheWrite;
    }
    if (completion < reasoning) {
      completion += reasoning;
    }
    // image_tokens / video_tokens (LiteLLM's PromptTokensDetailsWrapper) may count cached images too (its Gemini
    // mapping takes the prompt's modalities); the part that does not fit beside the cache reads is taken as cached
    long uncached = prompt - cacheRead - cacheWrite;
    long image = Math.min(uncachedModality(details, "image_tokens"), uncached);
    long video = Math.min(uncachedModality(details, "video_tokens"), uncached - image);
    return new UsageTokens(prompt, completion, cacheRead, cacheWrite, 0, reasoning, "", image, video);
  }

  /** The {@code field} tokens of the prompt details less their {@code cached_tokens_details} part, where given. */
  private static long uncachedModality(JsonNode details, String field) {
    return Math.max(0, count(details, field) - count(details.path("cached_tokens_details"), field));
  }

  /** A count, 0 when absent or null. @throws IllegalArgumentException naming the field when it is no count */
  private static long count(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
      return v.asLong();
    }
    throw new IllegalArgumentException(field + " is not a non-negative integer");
  }
}
