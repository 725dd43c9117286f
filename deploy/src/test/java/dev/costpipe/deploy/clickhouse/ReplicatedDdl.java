package dev.costpipe.deploy.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The replicated-cluster DDL of {@code deploy/clickhouse/replicated/}, read as the tests need it. */
final class ReplicatedDdl {
  static final Path DIR = Path.of("clickhouse/replicated");
  private static final Pattern CLAUSE = Pattern.compile("^(PARTITION BY|ORDER BY) .*$", Pattern.MULTILINE);

  private ReplicatedDdl() {}

  /** The files in the order they are applied (V000, V001, …). */
  static List<Path> files() {
    try (var list = Files.list(DIR)) {
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

  /** The column definitions of a CREATE TABLE statement, one per element, whitespace normalised. */
  static List<String> columns(String createTable) {
    String noComments = createTable.replaceAll("(?m)--.*$", "");
    int open = noComments.indexOf('(', noComments.indexOf("CREATE TABLE"));
    int close = noComments.indexOf("\n)", open);
    return Arrays.stream(noComments.substring(open + 1, close).split(",\\s*\\n"))
        .map(c -> c.strip().replaceAll("\\s+", " ")).filter(c -> !c.isEmpty()).toList();
  }

  /** The PARTITION BY and ORDER BY clauses, as written. */
  static List<String> keyClauses(String createTable) {
    Matcher m = CLAUSE.matcher(createTable);
    return m.results().map(r -> r.group().strip()).toList();
  }
}
