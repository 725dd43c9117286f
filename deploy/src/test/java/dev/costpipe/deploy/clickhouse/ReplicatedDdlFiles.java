package dev.costpipe.deploy.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Replicated-cluster DDL files (deploy/clickhouse/replicated/ or generated ones), read as the tests need them. */
final class ReplicatedDdlFiles {
  static final Path DIR = Path.of("clickhouse/replicated");

  private ReplicatedDdlFiles() {}

  /** The files in the order they are applied (V000, V001, …). */
  static List<Path> files(Path dir) {
    try (var list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().matches("V\\d{3}__.+\\.sql")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One file's statements, comments removed, without the closing semicolons (18.16 takes one per request). */
  static List<String> statements(Path file) {
    try {
      String text = Files.readString(file).replaceAll("(?m)^\\s*--.*$", "");
      return Arrays.stream(text.split(";\\s*(\\n|$)")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
