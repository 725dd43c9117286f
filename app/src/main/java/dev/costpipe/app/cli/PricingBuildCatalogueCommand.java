package dev.costpipe.app.cli;

import dev.costpipe.engine.catalogue.CatalogueBuilder;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.GeneratedCatalogueFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code costpipe pricing build-catalogue}: regenerates the generated part of the built-in catalogue
 * from LiteLLM's and genai-prices' catalogues, beside the curated provider files, with the review list
 * of the upstreams' disagreements.
 */
@Command(name = "build-catalogue", mixinStandardHelpOptions = true,
    description = "Generate <provider>.generated.yml files and disagreements.md from LiteLLM's and genai-prices' "
        + "catalogues (curated entries win).")
final class PricingBuildCatalogueCommand implements Callable<Integer> {
  private static final String NAME = "costpipe pricing build-catalogue";
  private static final Pattern DATE_IN_NAME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})");

  @Option(names = "--litellm", paramLabel = "FILE", required = true,
      description = "LiteLLM's model_prices_and_context_window.json.")
  Path litellm;

  @Option(names = "--litellm-checked", paramLabel = "DATE",
      description = "Date LiteLLM's file was taken (default: the date in its file name).")
  LocalDate litellmChecked;

  @Option(names = "--genai-prices", paramLabel = "FILE", required = true,
      description = "genai-prices' data.json (schema v2).")
  Path genAiPrices;

  @Option(names = "--genai-prices-checked", paramLabel = "DATE",
      description = "Date genai-prices' file was taken (default: the date in its file name).")
  LocalDate genAiPricesChecked;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "cost-engine/src/main/resources/catalogue",
      description = "The catalogue directory: its curated *.yml files are read, generated files written "
          + "(default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    CatalogueBuilder.Result r;
    try {
      InputFiles.readable(litellm, "--litellm");
      InputFiles.readable(genAiPrices, "--genai-prices");
      InputFiles.readable(out, "--out");
      List<Path> curated;
      try (Stream<Path> files = Files.list(out)) {
        curated = files.filter(p -> p.toString().endsWith(".yml"))
            .filter(p -> !p.toString().endsWith(GeneratedCatalogueFiles.SUFFIX)).sorted().toList();
      }
      r = CatalogueBuilder.build(
          new CatalogueBuilder.Upstream(litellm, date(litellmChecked, litellm, "--litellm-checked")),
          new CatalogueBuilder.Upstream(genAiPrices, date(genAiPricesChecked, genAiPrices, "--genai-prices-checked")),
          CatalogueLoader.load(curated));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println(NAME + ": " + e.getMessage());
      return 2;
    }
    String command = NAME + " --litellm " + litellm.getFileName() + " --genai-prices " + genAiPrices.getFileName();
    Map<String, String> files = GeneratedCatalogueFiles.render(r, command);
    GeneratedCatalogueFiles.write(files, out);
    System.out.println(GeneratedCatalogueFiles.summary(r));
    System.err.println(NAME + ": wrote " + files.size() + " files and index.txt in " + out);
    return 0;
  }

  private static LocalDate date(LocalDate given, Path file, String option) {
    if (given != null) {
      return given;
    }
    Matcher m = DATE_IN_NAME.matcher(file.getFileName().toString());
    if (!m.find()) {
      throw new IllegalArgumentException(file + " has no date in its name: give " + option + " DATE");
    }
    return LocalDate.parse(m.group(1));
  }
}
