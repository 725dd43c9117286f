package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe cost} on the README's example file. */
class CostCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = Path.of("../deploy/examples/raw-events.jsonl");

  @TempDir
  Path dir;

  private record Run(int exit, List<JsonNode> records, List<String> stderr) {}

  private Run run(String... args) throws Exception {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = CostpipeCommand.commandLine().execute(args);
    } finally {
      System.setErr(oldErr);
    }
    Path out = dir.resolve("out.jsonl");
    List<JsonNode> records = Files.exists(out)
        ? Files.readAllLines(out).stream().map(l -> {
          try {
            return JSON.readTree(l);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }).toList()
        : List.of();
    return new Run(exit, records, err.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void pricesTheExampleFileAndReportsBadLines() throws Exception {
    Run run = run("cost", "--input", EXAMPLES.toString(), "--output", dir.resolve("out.jsonl").toString());
    assertThat(run.exit()).isZero();
    Map<String, JsonNode> byId = run.records().stream()
        .collect(Collectors.toMap(r -> r.get("request_id").asText(), Function.identity()));
    assertThat(byId).containsOnlyKeys("ex-1", "ex-2", "ex-3", "ex-4", "ex-5", "ex-6", "ex-7");

    assertThat(byId.get("ex-1").get("pricing_status").asText()).isEqualTo("priced");
    assertThat(byId.get("ex-1").get("cost_usd").asText()).matches("\\d+\\.\\d{9}");
    assertThat(byId.get("ex-2").get("streamed").asBoolean()).isTrue();
    assertThat(byId.get("ex-2").get("usage").get("input_tokens").asLong()).isEqualTo(25 + 2000 + 8000);
    assertThat(byId.get("ex-2").get("usage").get("output_tokens").asLong()).isEqualTo(12);
    assertThat(byId.get("ex-2").get("session_path").asText()).isEqualTo("/triage/refund");
    assertThat(byId.get("ex-3").get("usage_source").asText()).isEqualTo("estimated");
    assertThat(byId.get("ex-4").get("pricing_status").asText()).isEqualTo("unknown_model");
    assertThat(byId.get("ex-4").get("cost_nano_usd").isNull()).isTrue();
    assertThat(byId.get("ex-5").get("pricing_status").asText()).isEqualTo("provider_reported");
    assertThat(byId.get("ex-5").get("cost_nano_usd").asLong()).isEqualTo(16_650_000L);
    assertThat(byId.get("ex-6").get("cost_nano_usd").asLong()).isZero();
    assertThat(byId.get("ex-6").get("cache_savings_nano_usd").asLong()).isPositive();
    assertThat(byId.get("ex-7").get("errors").toString()).contains("incomplete");

    List<String> bad = run.stderr().stream().filter(l -> l.startsWith("{")).toList();
    assertThat(bad).hasSize(2);
    assertThat(JSON.readTree(bad.get(0)).get("line").asInt()).isEqualTo(4);
    assertThat(JSON.readTree(bad.get(0)).get("reason").asText()).isEqualTo("invalid_event_type");
    assertThat(JSON.readTree(bad.get(1)).get("reason").asText()).isEqualTo("invalid_json");
    assertThat(run.stderr().get(run.stderr().size() - 1))
        .contains("7 requests").contains("1 unknown models").contains("2 bad lines").contains("1 incomplete")
        .contains("1 duplicate events");
  }

  @Test
  void theSummaryCountsRecordsWithUnpricedUsage() throws Exception {
    // OpenAI's Scale Tier is prepaid: no catalogue prices it, so the record says so and the summary counts it
    Path input = Files.writeString(dir.resolve("scale.jsonl"), """
        {"request_id":"s-1","event_type":"response","timestamp":"2026-06-01T00:00:00Z","provider":"openai",\
        "status":200,"request_body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]},\
        "response_body":{"object":"chat.completion","model":"gpt-4o-mini","service_tier":"scale",\
        "choices":[{"message":{"role":"assistant","content":"hello"}}],\
        "usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}}
        """);
    Run run = run("cost", "--input", input.toString(), "--output", dir.resolve("out.jsonl").toString());
    assertThat(run.exit()).isZero();
    assertThat(run.records()).singleElement().satisfies(r ->
        assertThat(r.get("errors").toString()).isEqualTo("[\"unpriced usage: service_tier=scale\"]"));
    assertThat(run.stderr().get(run.stderr().size() - 1)).contains("1 priced").contains("1 with unpriced usage");
  }

  @Test
  void pricesUsageEventsAndSaysWhatHappenedToThem() throws Exception {
    // u-1 alone; u-2 also given by its raw events, which come first and win; u-3 with a reported cost far from
    // costpipe's; u-4 with a negative count, a bad line
    Path input = Files.writeString(dir.resolve("usage.jsonl"), """
        {"event_type":"usage","request_id":"u-1","timestamp":"2026-06-01T00:00:00Z","provider":"openai",\
        "model":"gpt-4o","usage":{"input_tokens":1000,"output_tokens":100},"reported_cost_usd":"0.0035",\
        "user_id":"alice","properties":{"team":"search"},"source":"otlp"}
        {"request_id":"u-2","event_type":"response","timestamp":"2026-06-01T00:00:00Z","provider":"openai",\
        "status":200,"request_body":{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]},\
        "response_body":{"object":"chat.completion","model":"gpt-4o",\
        "choices":[{"message":{"role":"assistant","content":"hello"}}],\
        "usage":{"prompt_tokens":1000,"completion_tokens":100,"total_tokens":1100}}}
        {"event_type":"usage","request_id":"u-2","timestamp":"2026-06-01T00:00:00Z","provider":"openai",\
        "model":"gpt-4o","usage":{"input_tokens":5,"output_tokens":5}}
        {"event_type":"usage","request_id":"u-3","timestamp":"2026-06-01T00:00:00Z","provider":"openai",\
        "model":"gpt-4o","usage":{"input_tokens":1000,"output_tokens":100},"reported_cost_usd":0.01}
        {"event_type":"usage","request_id":"u-4","provider":"openai","model":"gpt-4o","usage":{"input_tokens":-1}}
        """);
    Run run = run("cost", "--input", input.toString(), "--output", dir.resolve("out.jsonl").toString());
    assertThat(run.exit()).isZero();
    Map<String, JsonNode> byId = run.records().stream()
        .collect(Collectors.toMap(r -> r.get("request_id").asText(), Function.identity()));
    assertThat(byId).containsOnlyKeys("u-1", "u-2", "u-3");
    assertThat(byId.get("u-1").get("cost_nano_usd").asLong()).isEqualTo(3_500_000L);
    assertThat(byId.get("u-1").get("reported_cost_nano_usd").asLong()).isEqualTo(3_500_000L);
    assertThat(byId.get("u-1").get("user_id").asText()).isEqualTo("alice");
    assertThat(byId.get("u-1").get("properties").get("team").asText()).isEqualTo("search");
    assertThat(byId.get("u-2").get("usage").get("input_tokens").asLong()).isEqualTo(1000);
    assertThat(byId.get("u-2").get("reported_cost_nano_usd").isNull()).isTrue();
    assertThat(byId.get("u-3").get("reported_cost_nano_usd").asLong()).isEqualTo(10_000_000L);
    List<String> bad = run.stderr().stream().filter(l -> l.startsWith("{")).toList();
    assertThat(bad).singleElement().satisfies(l -> assertThat(JSON.readTree(l).get("reason").asText())
        .isEqualTo("invalid_usage"));
    assertThat(run.stderr().get(run.stderr().size() - 1)).contains("3 requests").contains("1 bad lines")
        .contains("1 usage events superseded by raw events")
        .contains("1 reported costs off by more than 1% and 1 micro-USD");
  }

  @Test
  void unreadablePricesFileIsAClearError() throws Exception {
    Path prices = Files.writeString(dir.resolve("bad.yml"), "provider: [");
    Run run = run("cost", "--prices", prices.toString(), "--input", EXAMPLES.toString(), "--output",
        dir.resolve("out.jsonl").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).anyMatch(l -> l.contains("cannot load prices from"));
  }

  @Test
  void pricesWithLiteLlmCatalogue() throws Exception {
    Path litellm = Path.of("../cost-engine/src/test/resources/litellm/sample_prices.json");
    Run run = run("cost", "--prices-format", "litellm", "--prices", litellm.toString(), "--input",
        EXAMPLES.toString(), "--output", dir.resolve("out.jsonl").toString());
    assertThat(run.exit()).isZero();
    assertThat(run.stderr()).anyMatch(l -> l.contains("LiteLLM catalogue") && l.contains("imported"));
    assertThat(run.records()).hasSize(7);
  }

  @Test
  void pricesWithGenAiPricesData() throws Exception {
    Path genAi = Path.of("../cost-engine/src/test/resources/genai_prices/sample_data.json");
    Run run = run("cost", "--prices-format", "genai-prices", "--prices", genAi.toString(), "--input",
        EXAMPLES.toString(), "--output", dir.resolve("out.jsonl").toString());
    assertThat(run.exit()).isZero();
    assertThat(run.stderr()).anyMatch(l -> l.contains("genai-prices catalogue")
        && l.contains("imported 10 entries, skipped 2"));
    assertThat(run.records()).hasSize(7);
  }
}
