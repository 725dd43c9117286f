package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe pricing load} and {@code costpipe alerts} against a real broker. */
class KafkaCommandsTest {
  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @TempDir
  Path dir;

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  private Path config(String prefix) throws Exception {
    return config(dir, prefix);
  }

  /** A config file naming every topic {@code prefix.*}, so that tests sharing the broker never share topics. */
  static Path config(Path dir, String prefix) throws Exception {
    return Files.writeString(dir.resolve(prefix + ".properties"), String.join("\n",
        "costpipe.topic.pricing=" + prefix + ".pricing",
        "costpipe.topic.alert-rules=" + prefix + ".alert-rules",
        "costpipe.topic.raw-events=" + prefix + ".raw-events",
        "costpipe.topic.costs=" + prefix + ".costs",
        "costpipe.topic.cost-aggregates=" + prefix + ".cost-aggregates",
        "costpipe.topic.cost-alerts=" + prefix + ".cost-alerts",
        "costpipe.topic.dead-letter=" + prefix + ".dlq"));
  }

  @Test
  void pricingLoadWritesTheCatalogueToTheTopic() throws Exception {
    Path cfg = config("cli-pricing");
    CommandRun run = run("pricing", "load", "--config", cfg.toString(), "--bootstrap-server", broker.bootstrapServers());
    assertThat(run.exit()).as(run.err()).isZero();
    int catalogue = CatalogueLoader.builtIn().entries().size();
    assertThat(run.err()).contains("wrote " + catalogue + " pricing entries to cli-pricing.pricing");
    assertThat(broker.readAll("cli-pricing.pricing", Duration.ofSeconds(30))).hasSize(catalogue);
  }

  @Test
  void alertRulesCanBePutListedAndDeleted() throws Exception {
    Path cfg = config("cli-alerts");
    Path rule = Files.writeString(dir.resolve("rule.yml"), String.join("\n",
        "id: prod-daily", "name: Production daily", "metric: cost", "budget_usd: 12.5", "window: 1d",
        "levels: [50, 100]", "filter:", "  properties:", "    Environment: production"));
    String bs = broker.bootstrapServers();
    assertThat(run("alerts", "put", rule.toString(), "--config", cfg.toString(), "--bootstrap-server", bs).exit())
        .isZero();
    CommandRun list = run("alerts", "list", "--config", cfg.toString(), "--bootstrap-server", bs);
    assertThat(list.out()).contains("\"id\":\"prod-daily\"").contains("\"budget_usd\":12.5");
    assertThat(run("alerts", "delete", "prod-daily", "--config", cfg.toString(), "--bootstrap-server", bs).exit())
        .isZero();
    assertThat(run("alerts", "list", "--config", cfg.toString(), "--bootstrap-server", bs).out()).isBlank();

    Path bad = Files.writeString(dir.resolve("bad.yml"), "id: x\nmetric: cost\n");
    CommandRun refused = run("alerts", "put", bad.toString(), "--config", cfg.toString(), "--bootstrap-server", bs);
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("budget_usd");
  }

  @Test
  void runWithoutKafkaSaysWhatIsMissing() {
    CommandRun run = run("run");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--bootstrap-server");
  }
}
