package dev.costpipe.bench;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Cost records for {@code --sink-only}, without running the topology: a seeded mix like the generator's (a
 * dozen models, 200 users, 1,000 sessions with names and paths, one to three properties, streamed and cached
 * requests, a few unknown models and rate-limited requests), in the wire JSON the topology writes.
 */
final class SyntheticCostRecords {
  private static final String[][] MODELS = {{"openai", "gpt-4o"}, {"openai", "gpt-4o-mini"}, {"openai", "o3"},
      {"anthropic", "claude-sonnet-4-5"}, {"anthropic", "claude-haiku-4-5"}, {"anthropic", "claude-opus-4-1"},
      {"google", "gemini-2.5-pro"}, {"google", "gemini-2.5-flash"}, {"mistral", "mistral-large-latest"},
      {"deepseek", "deepseek-chat"}, {"xai", "grok-4"}, {"groq", "llama-3.3-70b-versatile"}};
  private static final String[] ENVIRONMENTS = {"production", "staging", "development"};

  private SyntheticCostRecords() {}

  static List<byte[]> of(int count, long seed) {
    Random random = new Random(seed);
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String[] model = MODELS[random.nextInt(MODELS.length)];
      int session = random.nextInt(1_000);
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("Environment", ENVIRONMENTS[random.nextInt(ENVIRONMENTS.length)]);
      if (random.nextBoolean()) {
        properties.put("Team", "team-" + random.nextInt(20));
      }
      if (random.nextInt(4) == 0) {
        properties.put("Feature", "feature-" + random.nextInt(50));
      }
      boolean unknown = random.nextInt(50) == 0;
      boolean limited = !unknown && random.nextInt(40) == 0;
      boolean cached = !unknown && !limited && random.nextInt(20) == 0;
      long input = limited ? 0 : 200 + random.nextInt(8_000);
      long output = limited ? 0 : 20 + random.nextInt(1_500);
      long cacheRead = cached || random.nextInt(3) == 0 ? random.nextInt((int) input + 1) : 0;
      Usage usage = new Usage(input, output, cacheRead, 0, 0, 0, 0, 0, 0, 0);
      Long cost = unknown || limited ? null : cached ? 0L : input * 2_500L + output * 10_000L + cacheRead * 1_250L;
      Map<String, Long> breakdown = new LinkedHashMap<>();
      if (cost != null && cost > 0) {
        breakdown.put("input", input * 2_500L);
        breakdown.put("output", output * 10_000L);
        if (cacheRead > 0) {
          breakdown.put("cache_read", cacheRead * 1_250L);
        }
      }
      List<String> errors = unknown ? List.of("unknown model: " + model[0] + "/" + model[1] + "-x")
          : limited ? List.of("no usage reported or estimable") : List.of();
      CostRecord r = new CostRecord(String.format("req-%08x-%06d", seed, i), start.plusMillis(i * 377L), model[0],
          unknown ? model[1] + "-x" : model[1], unknown ? null : model[0] + "/" + model[1],
          "user-" + random.nextInt(200), "session-" + session, "session " + session % 37, "/step/" + random.nextInt(6),
          properties, limited ? 429 : 200, random.nextBoolean(), cached, usage,
          limited ? UsageSource.NONE : UsageSource.PROVIDER,
          unknown ? PricingStatus.UNKNOWN_MODEL : limited ? PricingStatus.NO_USAGE : PricingStatus.PRICED, cost,
          breakdown, cached ? input * 2_500L : 0, errors, 0, null);
      out.add(CostRecordJson.write(r).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }
}
