package dev.costpipe.engine.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.costpipe.engine.usage.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Estimates usage when the provider reported none (e.g. an OpenAI stream without
 * {@code include_usage}). OpenAI-family models are counted with their real tokenizer (jtokkit:
 * o200k_base for GPT-4o, GPT-4.1, GPT-5 and the o-series, cl100k_base for older GPT-4/3.5) plus the
 * chat format's overhead of 3 tokens per message and 3 for the reply; other models with the common
 * heuristic of one token per 4 characters (rounded up).
 */
public final class TokenEstimator {
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final Set<String> TEXT_FIELDS = Set.of("content", "text", "system", "input", "prompt", "instructions");
  private static final int TOKENS_PER_MESSAGE = 3;
  private static final int REPLY_PRIMING = 3;

  private TokenEstimator() {}

  public static Usage estimate(String model, JsonNode requestBody, String outputText) {
    String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
    Encoding encoding = encodingFor(m);
    List<String> prompt = new ArrayList<>();
    int messages = requestBody == null ? 0 : requestBody.path("messages").size();
    if (requestBody != null) {
      collectText(requestBody, false, prompt);
    }
    String output = outputText == null ? "" : outputText;
    long input = 0;
    for (String text : prompt) {
      input += count(encoding, text);
    }
    if (encoding != null && messages > 0) {
      input += (long) messages * TOKENS_PER_MESSAGE + REPLY_PRIMING;
    }
    return Usage.builder().inputTokens(input).outputTokens(count(encoding, output)).build();
  }

  /** Whether there is anything to estimate from. */
  public static boolean canEstimate(JsonNode requestBody, String outputText) {
    return (outputText != null && !outputText.isEmpty()) || (requestBody != null && requestBody.size() > 0);
  }

  static Encoding encodingFor(String model) {
    String base = model.contains("/") ? model.substring(model.lastIndexOf('/') + 1) : model;
    if (base.startsWith("gpt-4o") || base.startsWith("gpt-4.1") || base.startsWith("gpt-5") || base.startsWith("o1")
        || base.startsWith("o3") || base.startsWith("o4") || base.startsWith("chatgpt") || base.startsWith("gpt-oss")) {
      return REGISTRY.getEncoding(EncodingType.O200K_BASE);
    }
    if (base.startsWith("gpt-4") || base.startsWith("gpt-3.5") || base.startsWith("gpt-35")) {
      return REGISTRY.getEncoding(EncodingType.CL100K_BASE);
    }
    return null;
  }

  private static long count(Encoding encoding, String text) {
    return encoding != null ? encoding.countTokensOrdinary(text) : quarterChars(text);
  }

  private static void collectText(JsonNode node, boolean inTextField, List<String> out) {
    if (node.isTextual()) {
      if (inTextField) {
        out.add(node.textValue());
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectText(n, inTextField, out));
    } else if (node.isObject()) {
      node.fields().forEachRemaining(f -> collectText(f.getValue(), TEXT_FIELDS.contains(f.getKey()), out));
    }
  }

  private static long quarterChars(String s) {
    long cp = s.codePointCount(0, s.length());
    return (cp + 3) / 4;
  }
}
