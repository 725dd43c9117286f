package dev.costpipe.contracts.settings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code docs/settings.md}: the table of every {@code costpipe.*} setting, written from the declarations
 * ({@code costpipe config docs > docs/settings.md}; a test fails when the file is out of date).
 */
public final class SettingsDoc {
  private SettingsDoc() {}

  public static String markdown() {
    List<String> out = new ArrayList<>(List.of(
        "# costpipe settings",
        "",
        "<!-- Generated from CostpipeSettings by `costpipe config docs > docs/settings.md`; do not edit. -->",
        "",
        "The `costpipe.*` settings of `costpipe run`, `costpipe sink clickhouse` (and the ClickHouse commands) and",
        "`costpipe ingest`,",
        "given in the `--config` properties file, as environment variables or as command-line flags (flags win over",
        "the environment, the environment over the file). Check a configuration with",
        "`costpipe config check --component run|sink|notify|ingest --config FILE`: it names every unknown or mistyped",
        "setting and prints every setting in force with where it came from, secrets masked.",
        "",
        "Every other property is a Kafka setting and passes through to Kafka Streams or the Kafka clients; its",
        "environment variable is `COSTPIPE_KAFKA_` and the key (`bootstrap.servers`: "
            + "`" + EnvNames.of("bootstrap.servers") + "`).",
        "In an environment variable's name `.` is `_`, `-` is `__` and `_` is `___`.",
        "",
        "Durations are written `500ms`, `30s`, `5m`, `1h`, `1d`, `90d` (sums too: `1h30m`) or in ISO-8601 (`PT10M`,",
        "`P1D`), and printed in the short form.",
        "",
        "| Key | Type | Default | Components | Secret | Environment variable | Description |",
        "|---|---|---|---|---|---|---|"));
    for (Setting<?> s : CostpipeSettings.all()) {
      out.add("| `" + s.key() + "` | " + s.type().name() + " | " + defaults(s) + " | " + components(s.components())
          + " | " + (s.secret() ? "yes" : "") + " | `" + EnvNames.of(s.key()) + "` | " + s.doc() + " |");
    }
    out.addAll(List.of("",
        "## Old names",
        "",
        "Still read, in their old unit; `config check` warns about them. Give a setting or its old name, not both.",
        "",
        "| Old key | Old type | Now |",
        "|---|---|---|"));
    for (Setting<?> s : CostpipeSettings.all()) {
      if (s.oldName() != null) {
        out.add("| `" + s.oldName().key() + "` | " + s.oldName().type().name() + " | `" + s.key() + "` |");
      }
    }
    out.addAll(List.of("",
        "## The notifier",
        "",
        "`costpipe notify` reads a YAML file instead (see `deploy/config/notifier.yml` and `NotifierConfig`); of the",
        "variables above it takes `" + EnvNames.of(CostpipeSettings.METRICS_PORT.key()) + "` and the `COSTPIPE_KAFKA_*`"
            + " ones (`" + EnvNames.of("bootstrap.servers") + "` sets its `bootstrap_servers`)."));
    return String.join("\n", out) + "\n";
  }

  /** The default, or the default of each component when they differ (the metrics port). */
  private static String defaults(Setting<?> s) {
    Set<String> values = new LinkedHashSet<>();
    List<String> perComponent = new ArrayList<>();
    for (Component c : Component.values()) {
      if (s.components().contains(c)) {
        String d = CostpipeSettings.defaultFor(s, c);
        values.add(d == null ? "" : "`" + d + "`");
        perComponent.add(d + " (" + c.label() + ")");
      }
    }
    return values.size() == 1 ? values.iterator().next() : String.join(", ", perComponent);
  }

  private static String components(Set<Component> components) {
    return Arrays.stream(Component.values()).filter(components::contains).map(Component::label)
        .collect(Collectors.joining(", "));
  }
}
