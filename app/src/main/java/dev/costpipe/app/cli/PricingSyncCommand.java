package dev.costpipe.app.cli;

import dev.costpipe.contracts.settings.Durations;
import dev.costpipe.engine.catalogue.CatalogueBuilder;
import dev.costpipe.engine.catalogue.GenAiPricesImporter;
import dev.costpipe.engine.catalogue.PriceSync;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.app.PricingPublisher;
import dev.costpipe.topology.app.TopicProvisioner;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code costpipe pricing sync}: fetches LiteLLM's and/or genai-prices' published catalogues, builds them as the
 * built-in catalogue is built (same model keys, genai-prices first, beside the topic's curated entries), and publishes to the pricing topic only
 * what changed ({@link PriceSync} decides); once, or every {@code --every}.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = "Publish the changes of LiteLLM's and genai-prices' catalogues to the pricing topic as new price periods.")
final class PricingSyncCommand implements Callable<Integer> {
  private static final String NAME = "costpipe pricing sync";
  static final String LITELLM_URL =
      "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";
  static final String GENAI_PRICES_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/data.json";

  enum Upstream { litellm, genai_prices }

  @Mixin
  KafkaOptions kafka;

  @Spec
  CommandSpec spec;

  @Option(names = "--from", split = ",", paramLabel = "UPSTREAM", defaultValue = "litellm,genai-prices",
      converter = UpstreamConverter.class,
      description = "The upstreams to sync: litellm, genai-prices or both (default: ${DEFAULT-VALUE}).")
  List<Upstream> from;

  @Option(names = "--litellm-url", paramLabel = "URL", defaultValue = LITELLM_URL,
      description = "LiteLLM's model_prices_and_context_window.json (https:// or file:; default: ${DEFAULT-VALUE}).")
  String litellmUrl;

  @Option(names = "--genai-prices-url", paramLabel = "URL", defaultValue = GENAI_PRICES_URL,
      description = "genai-prices' data.json (https:// or file:; default: ${DEFAULT-VALUE}).")
  String genAiPricesUrl;

  @Option(names = "--every", paramLabel = "DURATION",
      description = "Sync again after each DURATION (" + Durations.SYNTAX + "), until stopped; a failed run is "
          + "reported and retried at the next one.")
  String every;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "How long to wait for each upstream to connect and to answer (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--max-change", paramLabel = "SHARE", defaultValue = "50%",
      description = "A rate that falls or rises by more than this is held back unless accepted (default: ${DEFAULT-VALUE}).")
  String maxChange;

  @Option(names = "--accept", paramLabel = "MODEL_KEY",
      description = "Publish this model's held-back changes (repeatable).")
  List<String> accept = List.of();

  @Option(names = "--accept-all", description = "Publish every held-back change.")
  boolean acceptAll;

  @Option(names = "--dry-run", description = "Print the diff; publish nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Properties settings = UserInputException.parsing(kafka::load);
    Duration wait = timeout(timeout, "--timeout");
    Duration period = every == null ? null : timeout(every, "--every");
    BigDecimal share = share(maxChange);
    URI litellm = UpstreamCatalogue.parse(litellmUrl, "--litellm-url");
    URI genAi = UpstreamCatalogue.parse(genAiPricesUrl, "--genai-prices-url");
    if (period == null) {
      syncOnce(settings, litellm, genAi, wait, share);
      return 0;
    }
    while (true) {
      try {
        syncOnce(settings, litellm, genAi, wait, share);
      } catch (UserInputException e) {
        throw e;
      } catch (RuntimeException | java.io.IOException e) {
        // an upstream or Kafka down now may be back by the next run
        System.err.println(NAME + ": " + Failure.of(e, spec).message() + "; next run in " + Durations.format(period));
      }
      Thread.sleep(period.toMillis());
    }
  }

  private void syncOnce(Properties settings, URI litellm, URI genAi, Duration wait, BigDecimal share)
      throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Set<Upstream> upstreams = EnumSet.copyOf(from);
    Path dir = Files.createTempDirectory("costpipe-sync");
    try {
      Path lite = dir.resolve("litellm.json");
      Path gen = dir.resolve("genai-prices.json");
      Set<String> sources = new HashSet<>();
      // an upstream not synced is built from an empty catalogue of its shape: it contributes nothing
      if (upstreams.contains(Upstream.litellm)) {
        UpstreamCatalogue.fetch(litellm, wait, lite);
        sources.add(CatalogueBuilder.LITELLM_SOURCE);
      } else {
        Files.writeString(lite, "{}");
      }
      if (upstreams.contains(Upstream.genai_prices)) {
        UpstreamCatalogue.fetch(genAi, wait, gen);
        sources.add(GenAiPricesImporter.SOURCE);
      } else {
        Files.writeString(gen, "[]");
      }
      TopologyConfig config = TopologyConfig.from(settings);
      List<String> created;
      try (Admin admin = Admin.create(settings)) {
        created = TopicProvisioner.createMissing(admin, config, settings);
      }
      // a topic just created holds nothing (and its partitions may not be known to a consumer yet)
      List<PricingEntry> current = created.contains(config.pricingTopic()) ? List.of()
          : PricingSource.topicEntries(settings, NAME);
      var today = now.atZone(ZoneOffset.UTC).toLocalDate();
      List<PricingEntry> upstream;
      try {
        upstream = CatalogueBuilder.build(new CatalogueBuilder.Upstream(lite, today),
            new CatalogueBuilder.Upstream(gen, today), PriceSync.curated(current)).entries();
      } catch (RuntimeException e) {
        throw new RuntimeFailure("an upstream catalogue does not read as its format (" + e.getMessage()
            + "): nothing published", e);
      }
      PriceSync.Result result = PriceSync.decide(current, upstream, sources,
          new PriceSync.Options(share, Set.copyOf(accept), acceptAll, now));
      result.changes().forEach(c -> System.out.println(c.line()));
      System.out.flush();
      if (!dryRun && !result.toPublish().isEmpty()) {
        PricingPublisher.publish(settings, config.pricingTopic(), result.toPublish());
      }
      System.err.println(NAME + ": " + result.summary() + (dryRun ? " (dry run: nothing published)"
          : "; published " + result.toPublish().size() + " to " + config.pricingTopic()));
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static Duration timeout(String text, String option) {
    try {
      Duration d = Durations.parse(text);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("must be positive");
      }
      return d;
    } catch (RuntimeException e) {
      throw new UserInputException(option + " " + text + ": give a duration like " + Durations.SYNTAX);
    }
  }

  /** "50%" or "0.5" → 0.5. */
  static BigDecimal share(String text) {
    try {
      String t = text.strip();
      BigDecimal s = t.endsWith("%") ? new BigDecimal(t.substring(0, t.length() - 1).strip()).movePointLeft(2)
          : new BigDecimal(t);
      if (s.signum() < 0) {
        throw new NumberFormatException();
      }
      return s;
    } catch (NumberFormatException e) {
      throw new UserInputException("--max-change " + text + ": give a share like 50% or 0.5");
    }
  }

  static final class UpstreamConverter implements picocli.CommandLine.ITypeConverter<Upstream> {
    @Override
    public Upstream convert(String value) {
      return Upstream.valueOf(value.strip().replace('-', '_'));
    }
  }
}
