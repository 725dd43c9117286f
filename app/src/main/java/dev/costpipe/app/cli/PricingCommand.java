package dev.costpipe.app.cli;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.app.PricingPublisher;
import dev.costpipe.topology.app.TopicProvisioner;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe pricing load|export|lookup|cheapest|build-catalogue|sync}: manages and inspects the prices on the pricing topic. */
@Command(name = "pricing", mixinStandardHelpOptions = true, description = "Manage the prices on llm.pricing.",
    subcommands = {PricingCommand.Load.class, PricingExportCommand.class, PricingLookupCommand.class,
        PricingCheapestCommand.class, PricingBuildCatalogueCommand.class, PricingSyncCommand.class})
public final class PricingCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  @Command(name = "load", mixinStandardHelpOptions = true,
      description = "Publish pricing entries (every entry with its full history) to the pricing topic.")
  static final class Load implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--prices", paramLabel = "FILE", description = "Catalogue file or directory (default: the built-in catalogue).")
    Path prices;

    @Option(names = "--prices-format", paramLabel = "FORMAT", defaultValue = "costpipe",
        description = "costpipe, litellm or genai-prices (default: ${DEFAULT-VALUE}).")
    CostCommand.PricesFormat format;

    @Override
    public Integer call() throws Exception {
      Properties settings;
      List<PricingEntry> entries;
      try {
        settings = kafka.load();
        entries = entries();
      } catch (IllegalArgumentException | java.io.IOException e) {
        System.err.println("costpipe pricing load: " + e.getMessage());
        return 2;
      }
      TopologyConfig config = TopologyConfig.from(settings);
      try (Admin admin = Admin.create(settings)) {
        TopicProvisioner.createMissing(admin, config, settings);
      }
      int n = PricingPublisher.publish(settings, config.pricingTopic(), entries);
      System.err.println("costpipe pricing load: wrote " + n + " pricing entries to " + config.pricingTopic());
      return 0;
    }

    private List<PricingEntry> entries() throws java.io.IOException {
      return prices == null ? CatalogueLoader.builtIn().entries()
          : PricingSource.load(prices, format, "costpipe pricing load");
    }
  }
}
