package dev.costpipe.app.config;

import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.contracts.settings.Component;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.contracts.settings.EnvNames;
import dev.costpipe.contracts.settings.Setting;
import dev.costpipe.contracts.settings.SettingType;
import dev.costpipe.contracts.settings.Suggestions;
import dev.costpipe.topology.TopologyConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one loader of the properties-file components ({@code run} and the commands sharing its file, {@code sink
 * clickhouse} and the ClickHouse commands). Layers, later ones winning: defaults, the {@code --config} file,
 * {@code COSTPIPE_*} environment variables ({@link EnvNames}), command-line flags. Then checks against the
 * declarations ({@link CostpipeSettings}): an unknown {@code costpipe.*} setting in the file is an error (with the
 * closest known name), one read only by another component or under its old name a warning; Kafka settings are
 * checked by {@link KafkaSettings}; typed values are parsed; the component's own config is built once to catch
 * what only it knows (e.g. an unreadable password file).
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * @param flags setting → value given on the command line (null values are flags not given)
   * @param needsKafka whether {@code bootstrap.servers} is required (not for the ClickHouse-only commands)
   */
  public static LoadedConfig load(Component component, Path file, Map<String, String> env, Map<String, String> flags,
      boolean needsKafka) {
    EffectiveConfig config = new EffectiveConfig();
    List<Problem> problems = new ArrayList<>();
    for (Setting<?> s : CostpipeSettings.all()) {
      String dflt = CostpipeSettings.defaultFor(s, component);
      if (dflt != null && s.components().contains(component)) {
        config.put(s.key(), dflt, ValueSource.DEFAULT, null);
      }
    }
    Properties fromFile = read(file, problems);
    for (String key : fromFile.stringPropertyNames()) {
      config.put(key, fromFile.getProperty(key).strip(), ValueSource.FILE, file.toString());
    }
    EnvNames.settings(env).forEach((key, variable) -> {
      if (key.startsWith("costpipe.") && declared(key).isEmpty()) {
        // other COSTPIPE_ variables (COSTPIPE_JAVA_OPTS, secrets named in the notifier's file) are not settings:
        // only a near miss of a setting's name is worth a warning
        closest(key).ifPresent(s -> problems.add(Problem.warning("environment variable " + variable
            + " names no setting, ignored; did you mean " + EnvNames.of(s) + "?")));
      } else {
        config.put(key, env.get(variable).strip(), ValueSource.ENV, variable);
      }
    });
    flags.forEach((key, value) -> {
      if (value != null) {
        config.put(key, value, ValueSource.FLAG, null);
      }
    });
    dropOutvotedAlternatives(config);
    problems.addAll(check(component, config, needsKafka));
    return new LoadedConfig(component, config, problems);
  }

  /** Of two alternatives from different layers (an environment password, a file's password file), the higher wins. */
  private static void dropOutvotedAlternatives(EffectiveConfig config) {
    for (Set<String> pair : CostpipeSettings.alternatives()) {
      List<String> given = pair.stream().filter(k -> config.values().containsKey(k))
          .sorted(Comparator.comparing(k -> config.values().get(k).source())).toList();
      if (given.size() == 2
          && config.values().get(given.get(0)).source() != config.values().get(given.get(1)).source()) {
        config.remove(given.get(0));
      }
    }
  }

  private static Properties read(Path file, List<Problem> problems) {
    Properties p = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        problems.add(Problem.error("cannot read " + file + ": " + e));
      }
    }
    return p;
  }

  private static List<Problem> check(Component component, EffectiveConfig config, boolean needsKafka) {
    List<Problem> problems = new ArrayList<>();
    KafkaSettings kafka = new KafkaSettings(component);
    config.values().forEach((key, v) -> {
      if (!key.startsWith("costpipe.")) {
        kafka.check(key, v.value()).ifPresent(p -> {
          problems.add(p);
          if (!kafka.knows(key)) {
            config.markUnknown(key);
          }
        });
        return;
      }
      Optional<Setting<?>> setting = declared(key);
      if (setting.isEmpty()) {
        config.markUnknown(key);
        problems.add(Problem.error(key + ": unknown setting" + suggestion(key)));
      } else if (!setting.get().components().contains(component)) {
        problems.add(Problem.warning(key + ": not read by " + component.label() + " (read by "
            + setting.get().components().stream().map(Component::label).sorted().collect(Collectors.joining(", "))
            + ")"));
      } else {
        boolean old = !setting.get().key().equals(key);
        if (old) {
          problems.add(Problem.warning(key + ": an old name, still read; the setting is now " + setting.get().key()
              + " (a " + setting.get().type() + ")"));
        }
        SettingType<?> type = old ? setting.get().oldName().type() : setting.get().type();
        String wrong = type.check(v.value());
        if (wrong != null) {
          problems.add(Problem.error(key + ": " + wrong));
        }
      }
    });
    if (needsKafka && config.get("bootstrap.servers") == null) {
      problems.add(Problem.error("bootstrap.servers: required (--bootstrap-server, bootstrap.servers in --config, or "
          + EnvNames.of("bootstrap.servers") + ")"));
    }
    if (problems.stream().noneMatch(Problem::error)) {
      buildOnce(component, config.properties()).ifPresent(problems::add);
    }
    return problems;
  }

  /** Builds the component's own config, which knows the rules between settings. */
  private static Optional<Problem> buildOnce(Component component, Properties p) {
    try {
      TopologyConfig.from(p);
      if (component == Component.SINK) {
        ClickHouseSinkConfig.from(p);
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(Problem.error(e.getMessage()));
    }
  }

  /** The setting {@code key} names: by its key or by its old name. */
  private static Optional<Setting<?>> declared(String key) {
    return CostpipeSettings.get(key).or(() -> CostpipeSettings.renamedFrom(key));
  }

  private static String suggestion(String key) {
    return closest(key).map(s -> "; did you mean " + s + "?").orElse("");
  }

  private static Optional<String> closest(String key) {
    Set<String> known = CostpipeSettings.all().stream().map(Setting::key).collect(Collectors.toSet());
    return Suggestions.closest(key, known);
  }
}
