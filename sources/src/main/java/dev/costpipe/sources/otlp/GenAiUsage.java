package dev.costpipe.sources.otlp;

import dev.costpipe.sources.envelope.UsageTokens;

/**
 * The token counts of a GenAI span, under the current attribute names and the older ones, normalized to costpipe's
 * total-inclusive usage. The one rule for every name generation: cache reads and writes are taken as inside the
 * input count and reasoning as inside the output count (what the conventions say since 1.40 and what OpenLLMetry's
 * pre-migration instrumentations reported), unless the input is smaller than the cache counts (or the output
 * smaller than the reasoning), which proves they were left out — then they are added. The GenAI conventions name no
 * image or video token attribute (only input, output, cache read/creation and reasoning tokens), so a span's image
 * and video prompt tokens are priced as input.
 */
final class GenAiUsage {
  // current names, then the deprecated gen_ai.usage.prompt/completion_tokens (semantic conventions before 1.27)
  static final String[] INPUT = {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"};
  static final String[] OUTPUT = {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"};
  // current names (1.40+), then OpenLLMetry's pre-migration names
  static final String[] CACHE_READ = {"gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"};
  static final String[] CACHE_WRITE = {"gen_ai.usage.cache_creation.input_tokens",
      "gen_ai.usage.cache_creation_input_tokens"};
  static final String[] REASONING = {"gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens"};
  static final String[] SERVICE_TIER = {"openai.response.service_tier", "gen_ai.openai.response.service_tier"};

  private GenAiUsage() {}

  /** Whether the span carries any token count. */
  static boolean present(SpanAttributes a) {
    for (String[] keys : new String[][] {INPUT, OUTPUT, CACHE_READ, CACHE_WRITE, REASONING}) {
      for (String k : keys) {
        if (a.has(k)) {
          return true;
        }
      }
    }
    return false;
  }

  /** @throws NumberFormatException naming the attribute that is no count */
  static UsageTokens read(SpanAttributes a) {
    long input = orZero(a.count(INPUT));
    long output = orZero(a.count(OUTPUT));
    long cacheRead = orZero(a.count(CACHE_READ));
    long cacheWrite = orZero(a.count(CACHE_WRITE));
    long reasoning = orZero(a.count(REASONING));
    if (input < cacheRead + cacheWrite) {
      input += cacheRead + cacheWrite;
    }
    if (output < reasoning) {
      output += reasoning;
    }
    return new UsageTokens(input, output, cacheRead, cacheWrite, 0, reasoning, serviceTier(a.string(SERVICE_TIER)));
  }

  /** OpenAI's tiers: {@code default}/{@code auto} are the standard tier (""). */
  private static String serviceTier(String tier) {
    if (tier == null) {
      return "";
    }
    String t = tier.toLowerCase(java.util.Locale.ROOT);
    return t.equals("default") || t.equals("auto") || t.equals("standard") ? "" : t;
  }

  private static long orZero(Long n) {
    return n == null ? 0 : n;
  }
}
