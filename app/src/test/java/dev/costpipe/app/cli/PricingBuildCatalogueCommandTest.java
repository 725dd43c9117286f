package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.catalogue.Catalogue;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.pricing.PricingEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe pricing build-catalogue} on the hand-written upstream samples, beside one curated file. */
class PricingBuildCatalogueCommandTest {
  private static final Path SAMPLES = Path.of("../cost-engine/src/test/resources");

  @TempDir
  Path dir;

  @Test
  void writesGeneratedProviderFilesBesideTheCuratedOnesWhichWin() throws Exception {
    Files.copy(Path.of("../cost-engine/src/main/resources/catalogue/xai.yml"), dir.resolve("xai.yml"));
    Files.writeString(dir.resolve("index.txt"), "xai.yml\n");
    CommandRun run = CommandRun.of("pricing", "build-catalogue",
        "--litellm", SAMPLES.resolve("litellm/sample_prices.json").toString(), "--litellm-checked", "2026-08-01",
        "--genai-prices", SAMPLES.resolve("genai_prices/sample_data.json").toString(),
        "--genai-prices-checked", "2026-08-21", "--out", dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("genai-prices: imported 10 entries, skipped 2").contains("generated: ");
    assertThat(dir.resolve("disagreements.md")).exists();
    assertThat(dir.resolve("anthropic.generated.yml")).exists();
    List<String> index = Files.readAllLines(dir.resolve("index.txt"));
    assertThat(index.get(0)).isEqualTo("xai.yml");
    assertThat(index.subList(1, index.size())).allMatch(f -> f.endsWith(".generated.yml"));

    Catalogue built = CatalogueLoader.load(dir);
    // grok-4-0709 is curated in xai.yml: the genai-prices entry for it is left out
    assertThat(built.entries()).extracting(PricingEntry::modelKey).doesNotContain("xai/grok-4-0709")
        .contains("anthropic/claude-sonnet-4-6", "perplexity/sonar");
    assertThat(built.providers().get(0).id()).isEqualTo("xai");
  }

  @Test
  void anUpstreamFileWithoutADateNeedsOne() {
    CommandRun run = CommandRun.of("pricing", "build-catalogue",
        "--litellm", SAMPLES.resolve("litellm/sample_prices.json").toString(),
        "--genai-prices", SAMPLES.resolve("genai_prices/sample_data.json").toString(), "--out", dir.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("sample_prices.json has no date in its name: give --litellm-checked DATE");
  }
}
