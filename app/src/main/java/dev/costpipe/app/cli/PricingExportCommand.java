package dev.costpipe.app.cli;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.CatalogueWriter;
import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.catalogue.ProviderInfo;
import dev.costpipe.engine.pricing.PricingEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code costpipe pricing export}: writes the prices in force (the pricing topic's latest value per
 * model) as costpipe's YAML catalogue, one file per provider, or as the topic's JSON lines.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write the prices on the pricing topic as a costpipe catalogue (YAML) or JSON lines.")
final class PricingExportCommand implements Callable<Integer> {
  private static final String NAME = "costpipe pricing export";

  enum Format { yaml, jsonl }

  @Mixin
  PricingSource source;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "yaml",
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--output", paramLabel = "FILE|DIR|-", defaultValue = "-",
      description = "Where to write (default: standard output). YAML: a directory gets one <provider>.yml per "
          + "provider; a .yml file or - needs the entries of one provider (see --provider).")
  String output;

  @Option(names = "--provider", paramLabel = "P", description = "Only this provider's endpoints.")
  String provider;

  @Override
  public Integer call() throws Exception {
    List<PricingEntry> entries;
    try {
      entries = source.entries(NAME);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println(NAME + ": " + e.getMessage());
      return 2;
    }
    entries = entries.stream().map(this::onlyProvider).filter(e -> !e.endpoints().isEmpty())
        .sorted(Comparator.comparing(PricingEntry::modelKey)).toList();
    if (format == Format.jsonl) {
      StringBuilder lines = new StringBuilder();
      entries.forEach(e -> lines.append(PricingEntryJson.write(e)).append('\n'));
      write(lines.toString());
      System.err.println(NAME + ": " + entries.size() + " pricing entries");
      return 0;
    }
    Function<String, ProviderInfo> headers = CatalogueLoader.builtIn().providers().stream()
        .collect(Collectors.toMap(ProviderInfo::id, p -> p))::get;
    Map<String, String> files = CatalogueWriter.files(entries, headers);
    if (!output.equals("-") && !output.endsWith(".yml") && !output.endsWith(".yaml")) {
      List<Path> written = CatalogueWriter.writeDirectory(files, Path.of(output));
      System.err.println(NAME + ": " + entries.size() + " pricing entries in " + written.size() + " provider files in "
          + output);
      return 0;
    }
    if (files.size() != 1) {
      System.err.println(NAME + ": the entries span " + files.size() + " providers "
          + files.keySet().stream().map(f -> f.substring(0, f.length() - ".yml".length())).toList()
          + ": give --output DIR for one file per provider, or --provider P");
      return 2;
    }
    write(files.values().iterator().next());
    return 0;
  }

  private PricingEntry onlyProvider(PricingEntry e) {
    return provider == null ? e : new PricingEntry(e.modelKey(), e.name(),
        e.endpoints().stream().filter(ep -> ep.provider().equals(provider)).toList());
  }

  private void write(String text) throws IOException {
    if (output.equals("-")) {
      System.out.print(text);
      System.out.flush();
    } else {
      Files.writeString(Path.of(output), text, StandardCharsets.UTF_8);
    }
  }
}
