package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.testing.CanonicalPricing;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe pricing load → export}, {@code lookup} and {@code cheapest} against the pricing topic of a real broker. */
class PricingTopicCommandsTest {
  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @TempDir
  Path dir;

  private String[] kafka(String prefix) throws Exception {
    return new String[] {"--config", KafkaCommandsTest.config(dir, prefix).toString(),
        "--bootstrap-server", broker.bootstrapServers()};
  }

  private static String[] args(String[] kafka, String... args) {
    String[] all = new String[args.length + kafka.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(kafka, 0, all, args.length, kafka.length);
    return all;
  }

  @Test
  void theBuiltInCatalogueLoadedAndExportedIsTheSameCatalogue() throws Exception {
    String[] kafka = kafka("export-roundtrip");
    CommandRun load = CommandRun.of(args(kafka, "pricing", "load"));
    assertThat(load.exit()).as(load.err()).isZero();

    Path out = dir.resolve("catalogue");
    CommandRun yaml = CommandRun.of(args(kafka, "pricing", "export", "--output", out.toString()));
    assertThat(yaml.exit()).as(yaml.err()).isZero();
    var builtIn = CanonicalPricing.of(CatalogueLoader.builtIn().entries());
    assertThat(CanonicalPricing.of(CatalogueLoader.load(out).entries())).isEqualTo(builtIn);

    CommandRun jsonl = CommandRun.of(args(kafka, "pricing", "export", "--format", "jsonl"));
    assertThat(jsonl.exit()).as(jsonl.err()).isZero();
    assertThat(CanonicalPricing.of(jsonl.out().lines()
        .map(l -> PricingEntryJson.read(l.getBytes(StandardCharsets.UTF_8))).toList())).isEqualTo(builtIn);
  }

  @Test
  void lookupCheapestAndExportSeeTheLatestValueOfEveryKey() throws Exception {
    String topic = "inspect.pricing";
    String[] kafka = kafka("inspect");
    assertThat(CommandRun.of(args(kafka, "pricing", "load")).exit()).isZero();
    assertThat(CommandRun.of(args(kafka, "pricing", "load", "--prices", PricingInspectCommandsTest.HISTORY.toString()))
        .exit()).isZero();
    List<Map.Entry<String, String>> tombstone = List.of(new AbstractMap.SimpleEntry<>("openai/gpt-4o", null));
    broker.produce(topic, tombstone);

    CommandRun jsonl = CommandRun.of(args(kafka, "pricing", "export", "--format", "jsonl"));
    assertThat(jsonl.out()).contains("\"model_key\":\"acme/rocket\"").doesNotContain("\"model_key\":\"openai/gpt-4o\"");
    assertThat(jsonl.out().lines()).hasSize(CatalogueLoader.builtIn().entries().size());

    CommandRun deleted = CommandRun.of(args(kafka, "pricing", "lookup", "gpt-4o", "--provider", "openai"));
    assertThat(deleted.exit()).isEqualTo(1);
    assertThat(deleted.err()).contains("unknown model openai/gpt-4o");

    CommandRun rocket = CommandRun.of(args(kafka, "pricing", "lookup", "rocket", "--provider", "acme", "--at", "2026-07-01"));
    assertThat(rocket.exit()).as(rocket.err()).isZero();
    assertThat(rocket.out()).contains("model key    acme/rocket (Rocket)").containsPattern("input +0\\.0000005 +0\\.5\n");

    CommandRun cheapest = CommandRun.of(args(kafka, "pricing", "cheapest", "acme/rocket", "--at", "2026-03-01"));
    assertThat(cheapest.exit()).as(cheapest.err()).isZero();
    List<String> rows = cheapest.out().lines().skip(2).toList();
    // 1000 × 0.8e-6 + 1000 × 4e-6 at Cloudy; 1000 × 1e-6 + 1000 × 5e-6 at Acme before its price cut
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).startsWith("cloudy ").contains(" 0.0048 ");
    assertThat(rows.get(1)).startsWith("acme ").contains(" 0.006 ");
  }

  @Test
  void withoutKafkaOrOfflinePricesTheCommandsSayWhatIsMissing() {
    CommandRun run = CommandRun.of("pricing", "lookup", "gpt-4o");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--bootstrap-server").contains("--builtin");
  }
}
