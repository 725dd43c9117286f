package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Reproducible LLM API traffic as a gateway logs it: one call at a time, all its raw events in the
 * order a producer sends them (request, then the stream's chunks with their seq, then the response).
 * The same settings and timestamps give the same bytes. Not thread-safe: one generator per thread.
 */
public final class TrafficGenerator {
  private static final double PROMPT_CACHE_SHARE = 0.30;
  private static final double CACHE_WRITE_SHARE = 0.10;
  private static final int MAX_ANSWER_CHARS = 2_400;
  private static final long CHUNK_INTERVAL_MS = 35;

  private static final Map<String, ProviderShape> SHAPES = Map.of(
      "openai", new OpenAiChatShape(OpenAiChatShape.Flavour.OPENAI),
      "deepseek", new OpenAiChatShape(OpenAiChatShape.Flavour.DEEPSEEK),
      "groq", new OpenAiChatShape(OpenAiChatShape.Flavour.GROQ),
      "openrouter", new OpenAiChatShape(OpenAiChatShape.Flavour.OPENROUTER),
      "anthropic", new AnthropicShape(),
      "google", new GeminiShape(),
      "bedrock", new BedrockConverseShape());

  private final GeneratorSettings settings;
  private final Random random;
  private final Callers callers;

  public TrafficGenerator(GeneratorSettings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
    this.callers = new Callers(random);
  }

  /** The raw events of the next call, which starts at {@code timestamp}. */
  public List<GeneratedEvent> nextRequest(Instant timestamp) {
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    Callers.Caller caller = callers.next();
    ModelChoice model = random.nextDouble() < settings.unknownModelRatio() ? ModelMix.unknown(random)
        : caller.sessionModel() != null ? caller.sessionModel() : ModelMix.pick(random);
    ProviderShape shape = SHAPES.get(model.provider());
    boolean streamed = random.nextDouble() < settings.streamedRatio();
    boolean cacheHit = random.nextDouble() < settings.cacheHitRatio();
    CallPlan plan = plan(model, shape, streamed, caller);

    List<GeneratedEvent> events = new ArrayList<>();
    ObjectNode request = envelope(requestId, "request", timestamp);
    request.put("provider", model.provider());
    request.put("target_url", shape.targetUrl(plan));
    ObjectNode headers = request.putObject("headers");
    caller.headers().forEach(headers::put);
    request.set("request_body", shape.requestBody(plan));
    add(events, requestId, request, timestamp);

    long firstTokenMs = 250 + random.nextInt(900);
    Instant end;
    if (streamed) {
      List<JsonNode> chunks = shape.streamChunks(plan);
      for (int seq = 0; seq < chunks.size(); seq++) {
        Instant at = timestamp.plusMillis(firstTokenMs + seq * CHUNK_INTERVAL_MS);
        ObjectNode chunk = envelope(requestId, "chunk", at);
        chunk.put("seq", seq);
        chunk.set("chunk", chunks.get(seq));
        add(events, requestId, chunk, at);
      }
      end = timestamp.plusMillis(firstTokenMs + chunks.size() * CHUNK_INTERVAL_MS);
    } else {
      end = timestamp.plusMillis(firstTokenMs + plan.completionTokens() * 8L);
    }
    ObjectNode response = envelope(requestId, "response", end);
    response.put("status", 200);
    if (!streamed) {
      response.set("response_body", shape.responseBody(plan));
    }
    if (cacheHit) {
      response.put("cache_hit", true);
    }
    add(events, requestId, response, end);
    return events;
  }

  private CallPlan plan(ModelChoice model, ProviderShape shape, boolean streamed, Callers.Caller caller) {
    String system = caller.purpose() + " " + Words.text(random, 250 + random.nextInt(450));
    List<CallPlan.Turn> turns = new ArrayList<>();
    for (int i = 0; i < caller.priorTurns(); i++) {
      turns.add(new CallPlan.Turn("user", Words.text(random, 60 + random.nextInt(250))));
      turns.add(new CallPlan.Turn("assistant", Words.text(random, 120 + random.nextInt(400))));
    }
    turns.add(new CallPlan.Turn("user", Words.text(random, 60 + random.nextInt(340))));
    int textChars = system.length() + turns.stream().mapToInt(t -> t.text().length()).sum();
    // retrieved documents, tool definitions and images the log shortened are tokens too
    int prompt = textChars / 4 + (int) logNormal(500, 0.9, 0, 60_000);

    int cacheRead = 0;
    int cacheWrite = 0;
    if (model.cachesPrompts() && random.nextDouble() < PROMPT_CACHE_SHARE) {
      cacheRead = (int) (prompt * (0.5 + 0.4 * random.nextDouble()));
      if (model.provider().equals("openai")) {
        cacheRead = prompt >= 1024 ? Math.max(1024, cacheRead / 128 * 128) : 0; // OpenAI caches 1024+ in steps of 128
      }
    } else if (model.cachesPrompts() && isClaude(model) && random.nextDouble() < CACHE_WRITE_SHARE) {
      cacheWrite = (int) (prompt * (0.5 + 0.4 * random.nextDouble()));
    }
    int output = (int) logNormal(220, 0.8, 5, 4_000);
    int reasoning = model.reasons() ? (int) (output * (0.5 + 2.5 * random.nextDouble())) : 0;
    String answer = Words.text(random, Math.min(MAX_ANSWER_CHARS, output * 4));
    List<String> deltas = streamed ? split(answer, contentChunks(shape)) : List.of();
    String responseId = Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Integer.toHexString(random.nextInt()
        | Integer.MIN_VALUE);
    long created = 1_760_000_000L + random.nextInt(40_000_000);
    int maxTokens = Math.max(1024, Integer.highestOneBit(output + reasoning) * 2);
    return new CallPlan(model, streamed, responseId, created, system, turns, maxTokens,
        prompt - cacheRead - cacheWrite, cacheRead, cacheWrite, output, reasoning, answer, deltas);
  }

  // the mean number of chunk events is chunksPerStream; the content gets what the framing leaves
  private int contentChunks(ProviderShape shape) {
    int n = settings.chunksPerStream();
    int chunks = n / 2 + random.nextInt(n + 1);
    return Math.max(1, chunks - shape.framingChunks());
  }

  private static boolean isClaude(ModelChoice m) {
    return m.model().contains("claude");
  }

  private double logNormal(double median, double sigma, double min, double max) {
    return Math.max(min, Math.min(max, median * Math.exp(sigma * random.nextGaussian())));
  }

  /** Cuts the text in {@code parts} pieces at spaces where it can, each piece non-empty. */
  private static List<String> split(String text, int parts) {
    List<String> pieces = new ArrayList<>(parts);
    int start = 0;
    for (int i = 1; i <= parts; i++) {
      int end = i == parts ? text.length() : Math.max(start + 1, (int) ((long) text.length() * i / parts));
      end = Math.min(end, text.length());
      if (end <= start) {
        break;
      }
      pieces.add(text.substring(start, end));
      start = end;
    }
    return pieces;
  }

  private void add(List<GeneratedEvent> events, String requestId, ObjectNode event, Instant at) {
    byte[] bytes = Sse.json(event).getBytes(StandardCharsets.UTF_8);
    events.add(new GeneratedEvent(requestId, bytes, false));
    if (random.nextDouble() < settings.malformedRatio()) {
      events.add(new GeneratedEvent(requestId, MalformedEvents.make(random, requestId, at.toString(), bytes), true));
    }
  }

  private static ObjectNode envelope(String requestId, String type, Instant at) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("request_id", requestId);
    e.put("event_type", type);
    e.put("timestamp", at.toString());
    return e;
  }
}
