package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build step that compacts the jar's curated catalogue files changes their form, never their entries. */
class JarCatalogueFilesTest {
  private static final Path SOURCES = Path.of("src/main/resources/catalogue");

  @Test
  void theCompactedCatalogueLoadsToTheSameEntriesAsTheSources(@TempDir Path dir) throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.list(SOURCES)) {
      sources = files.filter(p -> p.toString().endsWith(".yml")).toList();
    }
    for (Path p : sources) {
      Files.copy(p, dir.resolve(p.getFileName()));
    }

    JarCatalogueFiles.main(new String[] {dir.toString()});

    for (Path p : sources) {
      byte[] compacted = Files.readAllBytes(dir.resolve(p.getFileName()));
      assertThat(CatalogueLoader.isCompact(compacted)).as(p.toString()).isTrue();
    }
    Catalogue original = CatalogueLoader.load(SOURCES);
    Catalogue compacted = CatalogueLoader.load(dir);
    assertThat(compacted.entries()).isEqualTo(original.entries());
    assertThat(compacted.providers().stream().map(JarCatalogueFilesTest::header))
        .isEqualTo(original.providers().stream().map(JarCatalogueFilesTest::header).toList());
  }

  private static String header(ProviderInfo p) {
    return String.join(" ", p.id(), p.name(), p.pricingUrl(), p.apiPattern().pattern());
  }

  @Test
  void aCompactedFileKeepsOneModelPerLineAndSaysWhereItCameFrom() throws IOException {
    String yaml = Files.readString(SOURCES.resolve("deepseek.yml"), StandardCharsets.UTF_8);
    String compact = JarCatalogueFiles.compact("deepseek.yml", yaml);
    assertThat(compact).startsWith("# Compacted at build time from cost-engine/src/main/resources/catalogue/deepseek.yml");
    assertThat(compact.lines().filter(l -> l.startsWith("{\"model\":"))).hasSize(
        (int) yaml.lines().filter(l -> l.strip().startsWith("- model:")).count());
  }
}
