package dev.costpipe.contracts.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/settings.md is the declarations' table: this fails when one changed and the file did not. */
class SettingsDocTest {
  private static final Path DOC = Path.of("..", "docs", "settings.md");
  private static final String REGENERATE = "costpipe.regenerate-docs";

  @Test
  void docsSettingsMdIsUpToDate() throws Exception {
    String expected = SettingsDoc.markdown();
    if (Boolean.getBoolean(REGENERATE)) {
      Files.createDirectories(DOC.getParent());
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    String actual = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    assertThat(actual).as("docs/settings.md is out of date; regenerate it: java -jar deploy/target/costpipe.jar"
        + " config docs > docs/settings.md, or mvn -o -pl contracts test -Dtest=SettingsDocTest -D" + REGENERATE)
        .isEqualTo(expected);
  }

  @Test
  void everySettingHasARow() {
    String doc = SettingsDoc.markdown();
    CostpipeSettings.all().forEach(s -> assertThat(doc).contains("| `" + s.key() + "` | " + s.type().name() + " | ")
        .contains("`" + EnvNames.of(s.key()) + "`"));
    assertThat(doc).contains("| `costpipe.metrics.port` | port | 9464 (run), 9465 (sink), 9466 (notify), 9467 (ingest) |")
        .contains("| `costpipe.sink.clickhouse.password` | string |  | sink | yes |")
        .contains("| `costpipe.sink.clickhouse.batch-ms` | milliseconds | `costpipe.sink.clickhouse.batch-time` |");
  }
}
