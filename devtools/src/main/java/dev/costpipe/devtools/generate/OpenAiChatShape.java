package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The Chat Completions API and the providers speaking it, each with its own usage block: OpenAI
 * ({@code prompt_tokens_details.cached_tokens}, reasoning in {@code completion_tokens_details}),
 * DeepSeek ({@code prompt_cache_hit_tokens}), Groq (timings; {@code x_groq.usage} in streams) and
 * OpenRouter (its reported {@code usage.cost}). Shapes from the openai, deepseek, groq and openrouter
 * fixtures.
 */
final class OpenAiChatShape implements ProviderShape {
  enum Flavour { OPENAI, DEEPSEEK, GROQ, OPENROUTER }

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private final Flavour flavour;

  OpenAiChatShape(Flavour flavour) {
    this.flavour = flavour;
  }

  @Override
  public String targetUrl(CallPlan c) {
    return switch (flavour) {
      case OPENAI -> "https://api.openai.com/v1/chat/completions";
      case DEEPSEEK -> "https://api.deepseek.com/chat/completions";
      case GROQ -> "https://api.groq.com/openai/v1/chat/completions";
      case OPENROUTER -> "https://openrouter.ai/api/v1/chat/completions";
    };
  }

  @Override
  public ObjectNode requestBody(CallPlan c) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", c.model().model());
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", flavour == Flavour.OPENAI && c.model().reasons() ? "developer" : "system")
        .put("content", c.system());
    for (CallPlan.Turn t : c.turns()) {
      messages.addObject().put("role", t.role()).put("content", t.text());
    }
    if (flavour == Flavour.OPENAI) {
      body.put("max_completion_tokens", c.maxTokens());
    } else {
      body.put("max_tokens", c.maxTokens());
    }
    if (!c.model().reasons()) {
      body.put("temperature", 0.7);
    }
    if (flavour == Flavour.OPENROUTER) {
      body.putObject("usage").put("include", true);
    }
    if (c.streamed()) {
      body.put("stream", true);
      if (flavour != Flavour.OPENROUTER) {
        body.putObject("stream_options").put("include_usage", true);
      }
    }
    return body;
  }

  @Override
  public ObjectNode responseBody(CallPlan c) {
    ObjectNode body = header(c, "chat.completion");
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", c.outputText());
    if (flavour == Flavour.OPENAI) {
      message.putNull("refusal");
      message.putArray("annotations");
    }
    if (flavour == Flavour.DEEPSEEK && c.model().reasons()) {
      message.put("reasoning_content", "[reasoning shortened]");
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    body.set("usage", usage(c));
    trailer(c, body);
    return body;
  }

  @Override
  public List<JsonNode> streamChunks(CallPlan c) {
    List<JsonNode> chunks = new ArrayList<>();
    String prefix = flavour == Flavour.OPENROUTER ? ": OPENROUTER PROCESSING\n\n" : "";
    ObjectNode first = delta(c);
    first.withArray("choices").get(0).withObject("delta").put("role", "assistant").put("content", "");
    chunks.add(Sse.chunk(prefix + Sse.data(first)));
    for (String piece : c.deltas()) {
      ObjectNode d = delta(c);
      d.withArray("choices").get(0).withObject("delta").put("content", piece);
      chunks.add(Sse.chunk(Sse.data(d)));
    }
    ObjectNode last = delta(c);
    ((ObjectNode) last.withArray("choices").get(0)).put("finish_reason", "stop");
    switch (flavour) {
      case OPENAI -> {
        ObjectNode usage = header(c, "chat.completion.chunk");
        usage.putArray("choices");
        usage.set("usage", usage(c));
        chunks.add(Sse.chunk(Sse.data(last) + Sse.data(usage) + Sse.DONE));
      }
      case GROQ -> {
        last.putObject("x_groq").put("id", "req_" + c.responseId()).set("usage", usage(c));
        last.set("usage", usage(c));
        chunks.add(Sse.chunk(Sse.data(last) + Sse.DONE));
      }
      case DEEPSEEK, OPENROUTER -> {
        last.set("usage", usage(c));
        chunks.add(Sse.chunk(Sse.data(last) + Sse.DONE));
      }
    }
    return chunks;
  }

  @Override
  public int framingChunks() {
    return 2;
  }

  private ObjectNode delta(CallPlan c) {
    ObjectNode d = header(c, "chat.completion.chunk");
    ObjectNode choice = d.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta");
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    if (flavour == Flavour.OPENAI || flavour == Flavour.DEEPSEEK) {
      d.putNull("usage");
    }
    return d;
  }

  private ObjectNode header(CallPlan c, String object) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    switch (flavour) {
      case OPENAI -> body.put("id", "chatcmpl-" + c.responseId());
      case DEEPSEEK -> body.put("id", c.responseId());
      case GROQ -> body.put("id", "chatcmpl-" + c.responseId());
      case OPENROUTER -> body.put("id", "gen-" + c.created() + "-" + c.responseId()).put("provider",
          upstream(c.model().model()));
    }
    body.put("object", object);
    body.put("created", c.created());
    body.put("model", c.model().responseModel());
    if (flavour != Flavour.OPENROUTER) {
      body.put("system_fingerprint", "fp_" + c.responseId().substring(0, 10));
    }
    return body;
  }

  private void trailer(CallPlan c, ObjectNode body) {
    if (flavour == Flavour.OPENAI) {
      body.put("service_tier", "default");
    } else if (flavour == Flavour.GROQ) {
      body.putObject("x_groq").put("id", "req_" + c.responseId());
      body.put("service_tier", "on_demand");
    }
  }

  private ObjectNode usage(CallPlan c) {
    ObjectNode u = Json.MAPPER.createObjectNode();
    int prompt = c.promptTokens();
    int completion = c.completionTokens();
    switch (flavour) {
      case OPENAI -> {
        u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", c.cacheReadTokens()).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", c.reasoningTokens()).put("audio_tokens", 0)
            .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
      }
      case DEEPSEEK -> {
        u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", c.cacheReadTokens());
        u.put("prompt_cache_hit_tokens", c.cacheReadTokens()).put("prompt_cache_miss_tokens", prompt - c.cacheReadTokens());
        if (c.model().reasons()) {
          u.putObject("completion_tokens_details").put("reasoning_tokens", c.reasoningTokens());
        }
      }
      case GROQ -> {
        // timings derived from the counts, so they stay reproducible
        BigDecimal promptTime = seconds(prompt, 40_000);
        BigDecimal completionTime = seconds(completion, 300);
        BigDecimal queueTime = seconds(c.created() % 97, 1_000);
        u.put("queue_time", queueTime).put("prompt_tokens", prompt).put("prompt_time", promptTime)
            .put("completion_tokens", completion).put("completion_time", completionTime)
            .put("total_tokens", prompt + completion).put("total_time", promptTime.add(completionTime));
      }
      case OPENROUTER -> {
        String[] price = c.model().openRouterUsdPerMillion();
        BigDecimal promptCost = new BigDecimal(price[0]).multiply(BigDecimal.valueOf(prompt)).divide(MILLION);
        BigDecimal completionCost = new BigDecimal(price[1]).multiply(BigDecimal.valueOf(completion)).divide(MILLION);
        u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        u.put("cost", promptCost.add(completionCost).stripTrailingZeros()).put("is_byok", false);
        u.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0).put("video_tokens", 0);
        u.putObject("cost_details").putNull("upstream_inference_cost")
            .put("upstream_inference_prompt_cost", promptCost.stripTrailingZeros())
            .put("upstream_inference_completions_cost", completionCost.stripTrailingZeros());
        u.putObject("completion_tokens_details").put("reasoning_tokens", c.reasoningTokens()).put("image_tokens", 0);
      }
    }
    return u;
  }

  private static BigDecimal seconds(long tokens, int tokensPerSecond) {
    return BigDecimal.valueOf(tokens).divide(BigDecimal.valueOf(tokensPerSecond), 9, RoundingMode.HALF_EVEN);
  }

  private static String upstream(String openRouterModel) {
    String author = openRouterModel.substring(0, openRouterModel.indexOf('/'));
    return switch (author) {
      case "openai" -> "OpenAI";
      case "anthropic" -> "Anthropic";
      case "google" -> "Google";
      default -> author;
    };
  }
}
