package dev.costpipe.app.cli;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.GenAiPricesImporter;
import dev.costpipe.engine.catalogue.ImportResult;
import dev.costpipe.engine.catalogue.LiteLlmImporter;
import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.topology.TopologyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the pricing commands read prices from: the pricing topic (the default: what the running
 * application prices with), a catalogue file ({@code --prices}) or the built-in catalogue ({@code --builtin}).
 */
final class PricingSource {
  @Mixin
  KafkaOptions kafka;

  @Option(names = "--prices", paramLabel = "FILE",
      description = "Read this catalogue file or directory instead of the pricing topic.")
  Path prices;

  @Option(names = "--prices-format", paramLabel = "FORMAT", defaultValue = "costpipe",
      description = "Format of --prices: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  CostCommand.PricesFormat format;

  @Option(names = "--builtin", description = "Read the built-in catalogue instead of the pricing topic.")
  boolean builtIn;

  /** The entries, in the order the source holds them; problems reading them go to {@code err}. */
  List<PricingEntry> entries(String command) throws IOException {
    if (builtIn) {
      return CatalogueLoader.builtIn().entries();
    }
    if (prices != null) {
      return load(prices, format, command);
    }
    Properties settings;
    try {
      settings = kafka.load();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (or read prices offline with --prices FILE or --builtin)");
    }
    return topicEntries(settings, command);
  }

  /** The latest entry of every model on the pricing topic; entries that do not read are skipped, said on standard error. */
  static List<PricingEntry> topicEntries(Properties settings, String command) {
    String topic = TopologyConfig.from(settings).pricingTopic();
    List<PricingEntry> entries = new ArrayList<>();
    for (Map.Entry<String, String> v : CompactedTopic.latest(settings, topic).entrySet()) {
      try {
        entries.add(PricingEntryJson.read(v.getValue().getBytes(StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        System.err.println(command + ": skipped " + topic + " key " + v.getKey() + ": " + e.getMessage());
      }
    }
    return entries;
  }

  /**
   * A catalogue file in costpipe's format, LiteLLM's or genai-prices' (whose import summary goes to
   * standard error).
   */
  static List<PricingEntry> load(Path prices, CostCommand.PricesFormat format, String command) throws IOException {
    InputFiles.readable(prices, "--prices");
    if (format != CostCommand.PricesFormat.costpipe) {
      ImportResult r;
      try {
        r = importForeign(prices, format);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      System.err.println(command + ": " + r.summary());
      return r.entries();
    }
    return CatalogueLoader.load(prices).entries();
  }

  /** Imports another project's catalogue: LiteLLM's or genai-prices'. */
  static ImportResult importForeign(Path prices, CostCommand.PricesFormat format) {
    return switch (format) {
      case litellm -> LiteLlmImporter.importFrom(prices);
      case genai_prices -> GenAiPricesImporter.importFrom(prices);
      case costpipe -> throw new IllegalArgumentException("costpipe's own format is loaded, not imported");
    };
  }
}
