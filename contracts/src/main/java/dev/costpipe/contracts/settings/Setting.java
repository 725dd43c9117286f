package dev.costpipe.contracts.settings;

import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * One {@code costpipe.*} setting, declared once in {@link CostpipeSettings}: its key, how its value is read, its
 * default (as text; null: none), the components that read it, whether it is a secret (never shown) and one line
 * of documentation. {@code oldName} is a key it had before, still read (a duration once given in milliseconds).
 */
public record Setting<T>(String key, SettingType<T> type, String defaultValue, Set<Component> components,
    boolean secret, String doc, OldName<T> oldName) {

  /** A setting's former key and how a value under it is read. */
  public record OldName<T>(String key, SettingType<T> type) {}

  public Setting {
    components = Set.copyOf(components);
    if (defaultValue != null) {
      type.parse(defaultValue); // a declaration's own default must read
    }
  }

  /** The value {@code p} gives (under the key or its old name), else the default, else null. */
  public T read(Properties p) {
    return find(p).orElseGet(() -> defaultValue == null ? null : type.parse(defaultValue));
  }

  /**
   * The value {@code p} gives, if it gives one. A value that does not read is an {@link IllegalArgumentException}
   * naming the key; so is a value under both the key and its old name.
   */
  public Optional<T> find(Properties p) {
    String value = p.getProperty(key);
    String old = oldName == null ? null : p.getProperty(oldName.key());
    if (value != null && old != null) {
      throw new IllegalArgumentException("give " + key + " or its old name " + oldName.key() + ", not both");
    }
    try {
      if (value != null) {
        return Optional.of(type.parse(value));
      }
      return old == null ? Optional.empty() : Optional.of(oldName.type().parse(old));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((value != null ? key : oldName.key()) + ": " + e.getMessage(), e);
    }
  }
}
