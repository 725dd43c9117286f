package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe pricing lookup|cheapest|export} offline: the built-in catalogue and a catalogue with price history. */
class PricingInspectCommandsTest {
  @TempDir
  Path dir;

  /** acme/rocket: Acme halves its price on 2026-06-01; Cloudy resells it at a constant 0.8/4. */
  static final Path HISTORY = Path.of("src/test/resources/pricing-history");

  private static String prices() {
    return HISTORY.toString();
  }

  @Test
  void lookupResolvesAnAliasAsThePipelineDoesAndPrintsEveryRate() {
    CommandRun run = CommandRun.of("pricing", "lookup", "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "--provider", "bedrock", "--builtin", "--at", "2026-11-01");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("model key    anthropic/claude-sonnet-4-5")
        .contains("listed id us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        .contains("provider     bedrock")
        .containsPattern("input +0\\.0000033 +3\\.3\n")
        .containsPattern("cache_read +0\\.00000033 +0\\.33\n")
        .containsPattern("reasoning +0\\.0000165 +16\\.5 +\\(not listed: = output\\)")
        .contains("when input_tokens > 200000")
        .contains("source       https://aws.amazon.com/bedrock/pricing/   checked 2026-07-24");
  }

  @Test
  void lookupPrintsTheBillingModesLiteLlmListsAsServiceTierRates() {
    CommandRun run = CommandRun.of("pricing", "lookup", "gpt-4o", "--provider", "openai", "--prices-format", "litellm",
        "--prices", "../cost-engine/src/test/resources/litellm/sample_prices.json");
    assertThat(run.exit()).as(run.err()).isZero();
    // gpt-4o's *_batches and *_priority rates in LiteLLM's catalogue
    assertThat(run.out())
        .contains("  mode batch: these rates over the request's, token rates x 1")
        .contains("  mode priority: these rates over the request's, token rates x 1")
        .containsPattern("\\n    input +0\\.00000425 +4\\.25\\n");
  }

  @Test
  void lookupPicksThePeriodInForceAtTheGivenTime() {
    CommandRun before = CommandRun.of("pricing", "lookup", "rocket-2026-01-01", "--provider", "acme", "--prices", prices(),
        "--at", "2026-05-31T23:59:59Z");
    assertThat(before.exit()).as(before.err()).isZero();
    assertThat(before.out()).contains("listed id rocket-2026-01-01")
        .contains("from 2026-01-01T00:00:00Z until 2026-06-01T00:00:00Z   (1 of 2 in the price history)")
        .containsPattern("input +0\\.000001 +1\n");
    CommandRun after = CommandRun.of("pricing", "lookup", "rocket", "--provider", "acme", "--prices", prices(),
        "--at", "2026-06-01");
    assertThat(after.out()).contains("(2 of 2 in the price history)").containsPattern("input +0\\.0000005 +0\\.5\n")
        .containsPattern("cache_read +0\\.00000005 +0\\.05\n");
    CommandRun early = CommandRun.of("pricing", "lookup", "rocket", "--provider", "acme", "--prices", prices(),
        "--at", "2020-01-01");
    assertThat(early.out()).contains("TIME is before the first period, which applies");
  }

  @Test
  void lookupOfAnUnknownModelFailsWithCloseMatches() {
    CommandRun run = CommandRun.of("pricing", "lookup", "gtp-4o-mini", "--builtin");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("unknown model gtp-4o-mini").contains("close matches: gpt-4o-mini");
  }

  @Test
  void lookupWithoutProviderOfAModelItsAuthorDoesNotSellNeedsOneSeller() {
    CommandRun groq = CommandRun.of("pricing", "lookup", "llama-3.3-70b-versatile", "--builtin");
    assertThat(groq.exit()).as(groq.err()).isZero();
    assertThat(groq.out()).contains("provider     groq").contains("meta/llama-3.3-70b-instruct");
    CommandRun several = CommandRun.of("pricing", "lookup", "meta/llama-3.3-70b-instruct", "--builtin");
    assertThat(several.exit()).as(several.out()).isEqualTo(1);
    assertThat(several.err()).contains("give --provider");
    CommandRun byKey = CommandRun.of("pricing", "lookup", "meta/llama-3.3-70b-instruct", "--provider", "together",
        "--builtin");
    assertThat(byKey.exit()).as(byKey.err()).isZero();
    assertThat(byKey.out()).contains("provider     together").contains("-> listed id meta/llama-3.3-70b-instruct");
  }

  @Test
  void lookupOnAProviderWithoutItsOwnPriceSaysTheAuthorsListApplies() {
    CommandRun run = CommandRun.of("pricing", "lookup", "claude-sonnet-4-5", "--provider", "groq", "--builtin");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("provider     anthropic   (groq lists no price for it");
  }

  @Test
  void cheapestRanksEveryOfferByTheExactCostOfTheReferenceUsage() {
    CommandRun run = CommandRun.of("pricing", "cheapest", "claude-sonnet-4-5", "--builtin", "--at", "2026-11-01");
    assertThat(run.exit()).as(run.err()).isZero();
    List<String> rows = run.out().lines().skip(2).toList();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
    assertThat(rows.get(0)).startsWith("anthropic ").contains(" 0.018 ");
    // Bedrock's geographic profiles are 10% dearer than its global profile: last
    assertThat(rows.get(rows.size() - 1)).startsWith("bedrock ").contains(" 0.0198 ")
        .contains("anthropic.claude-sonnet-4-5-20250929-v1:0");
  }

  @Test
  void cheapestFollowsPriceChangesOverTime() {
    CommandRun march = CommandRun.of("pricing", "cheapest", "rocket", "--prices", prices(), "--at", "2026-03-01",
        "--input-tokens", "1234567", "--output-tokens", "89");
    assertThat(march.exit()).as(march.err()).isZero();
    List<String> rows = march.out().lines().skip(2).toList();
    // 1,234,567 × 0.8e-6 + 89 × 4e-6 = 0.9876536 + 0.000356; Acme: 1.234567 + 0.000445
    assertThat(rows.get(0)).startsWith("cloudy ").contains(" 0.9880096 ");
    assertThat(rows.get(1)).startsWith("acme ").contains(" 1.235012 ");
    CommandRun july = CommandRun.of("pricing", "cheapest", "acme/rocket", "--prices", prices(), "--at", "2026-07-01",
        "--input-tokens", "1234567", "--output-tokens", "89", "--cache-read-tokens", "1000000");
    rows = july.out().lines().skip(2).toList();
    // Acme: 234,567 × 0.5e-6 + 1,000,000 × 0.05e-6 + 89 × 2.5e-6 = 0.1172835 + 0.05 + 0.0002225
    assertThat(rows.get(0)).startsWith("acme ").contains(" 0.167506 ");
    assertThat(rows.get(1)).startsWith("cloudy ");
  }

  @Test
  void cheapestRefusesAReferenceUsageThatCannotBe() {
    CommandRun run = CommandRun.of("pricing", "cheapest", "rocket", "--prices", prices(),
        "--input-tokens", "10", "--cache-read-tokens", "11");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("input parts exceed input_tokens");
  }

  @Test
  void aMissingPriceFileIsAClearErrorNotAStackTrace() {
    for (String format : List.of("costpipe", "litellm", "genai-prices")) {
      CommandRun run = CommandRun.of("pricing", "lookup", "gpt-4o", "--prices", "no/such/prices", "--prices-format",
          format);
      assertThat(run.exit()).as(format).isEqualTo(2);
      assertThat(run.err()).as(format)
          .isEqualTo("costpipe pricing lookup: --prices no/such/prices: no such file or directory (relative to "
              + Path.of("").toAbsolutePath() + "): check the path\n");
    }
  }

  @Test
  void exportWritesOneFilePerProviderOrOneProviderToStandardOutput() throws Exception {
    Path out = dir.resolve("export");
    CommandRun all = CommandRun.of("pricing", "export", "--prices", prices(), "--output", out.toString());
    assertThat(all.exit()).as(all.err()).isZero();
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("acme.yml", "cloudy.yml");
    }
    CommandRun refused = CommandRun.of("pricing", "export", "--prices", prices());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("span 2 providers [acme, cloudy]");
    CommandRun one = CommandRun.of("pricing", "export", "--prices", prices(), "--provider", "cloudy");
    assertThat(one.out()).contains("provider: cloudy").contains("input_mtok: 0.8").doesNotContain("provider: acme");
    CommandRun jsonl = CommandRun.of("pricing", "export", "--builtin", "--format", "jsonl");
    assertThat(jsonl.out().lines()).hasSize(CatalogueLoader.builtIn().entries().size());
  }
}
