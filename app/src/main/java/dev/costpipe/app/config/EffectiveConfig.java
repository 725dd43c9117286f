package dev.costpipe.app.config;

import dev.costpipe.contracts.SecretKeys;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.contracts.settings.Setting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/** The settings in force, each with where it came from; secrets are masked whenever it is shown. */
public final class EffectiveConfig {
  /** One value; {@code origin} names the file or variable it came from. */
  public record Value(String value, ValueSource source, String origin) {}

  private final Map<String, Value> values = new TreeMap<>();
  /** Settings no component knows: a misspelt secret ({@code pasword}) must not be shown either. */
  private final Set<String> unknown = new HashSet<>();

  void put(String key, String value, ValueSource source, String origin) {
    values.put(key, new Value(value, source, origin));
  }

  void markUnknown(String key) {
    unknown.add(key);
  }

  /**
   * A declared setting is masked when declared secret; any other when its name looks like a secret's; credentials
   * in a URL ({@code http://user:pass@host}) always.
   */
  private String shown(String key, String value) {
    if (unknown.contains(key)) {
      return SecretKeys.MASK;
    }
    return CostpipeSettings.get(key).map(Setting::secret).orElse(SecretKeys.isSecret(key)) ? SecretKeys.MASK
        : SecretKeys.withoutUrlCredentials(value);
  }

  /** Drops a setting (a flag that replaces another, e.g. {@code --password-file} the password). */
  public void remove(String key) {
    values.remove(key);
  }

  public String get(String key) {
    Value v = values.get(key);
    return v == null ? null : v.value();
  }

  public Map<String, Value> values() {
    return Collections.unmodifiableMap(values);
  }

  /** What the component is given: every value not a default (the component applies its own defaults). */
  public Properties properties() {
    Properties p = new Properties();
    values.forEach((k, v) -> {
      if (v.source() != ValueSource.DEFAULT) {
        p.setProperty(k, v.value());
      }
    });
    return p;
  }

  /** One line per setting: {@code key = value  (source origin)}, secrets and unknown settings masked. */
  public List<String> describe() {
    int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
    List<String> out = new ArrayList<>();
    values.forEach((k, v) -> out.add(String.format("%-" + width + "s = %s  (%s%s)", k, shown(k, v.value()),
        v.source().name().toLowerCase(Locale.ROOT), v.origin() == null ? "" : " " + v.origin())));
    return out;
  }

  /** The whole config on one line, secrets masked: for the start-up log line. */
  public String summary() {
    StringBuilder b = new StringBuilder("{");
    values.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=')
        .append(shown(k, v.value())));
    return b.append('}').toString();
  }
}
