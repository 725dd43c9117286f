package dev.costpipe.contracts.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * How a setting's text is read into a value of type {@code T} and written back. {@link #parse} throws an
 * {@link IllegalArgumentException} whose message says what is wrong (without the key: the caller adds it).
 */
public final class SettingType<T> {
  public static final SettingType<String> STRING = new SettingType<>("string", SettingType::nonEmpty, s -> s);
  /** A Kafka topic name (Kafka's own rules: legal characters, at most 249 of them). */
  public static final SettingType<String> TOPIC = new SettingType<>("topic", SettingType::topic, s -> s);
  /** A class name, loaded where it is used. */
  public static final SettingType<String> CLASS = new SettingType<>("class", SettingType::nonEmpty, s -> s);
  /** A path to a file, read where it is used. */
  public static final SettingType<String> FILE = new SettingType<>("file", SettingType::nonEmpty, s -> s);
  public static final SettingType<String> HTTP_URL = new SettingType<>("http(s) URL", SettingType::httpUrl, s -> s);
  public static final SettingType<Integer> INT = new SettingType<>("integer", SettingType::integer, String::valueOf);
  /** -1 (off), 0 (any free port) or 1..65535. */
  public static final SettingType<Integer> PORT = new SettingType<>("port", SettingType::port, String::valueOf);
  public static final SettingType<Boolean> BOOLEAN = new SettingType<>("boolean", SettingType::bool,
      String::valueOf);
  /** As {@link Durations}: {@code 500ms}, {@code 10m}, {@code 1d}, {@code PT10M}. */
  public static final SettingType<Duration> DURATION = new SettingType<>("duration", Durations::parse,
      Durations::format);
  /** Durations separated by commas: {@code 1h,1d}. */
  public static final SettingType<List<Duration>> DURATIONS = new SettingType<>("durations",
      s -> Arrays.stream(s.split(",")).map(Durations::parse).toList(),
      l -> l.stream().map(Durations::format).collect(Collectors.joining(",")));
  /** The old form of a duration setting whose key ends in {@code -ms}: a whole number of milliseconds. */
  public static final SettingType<Duration> MILLIS = new SettingType<>("milliseconds",
      s -> Duration.ofMillis(integer(s)), d -> String.valueOf(d.toMillis()));

  private final String name;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;

  private SettingType(String name, Function<String, T> parser, Function<T, String> formatter) {
    this.name = name;
    this.parser = parser;
    this.formatter = formatter;
  }

  /** The name the documentation gives the type. */
  public String name() {
    return name;
  }

  public T parse(String text) {
    return parser.apply(text.strip());
  }

  public String format(T value) {
    return formatter.apply(value);
  }

  /** What is wrong with {@code text}, or null when it parses. */
  public String check(String text) {
    try {
      parse(text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Override
  public String toString() {
    return name;
  }

  private static String nonEmpty(String v) {
    if (v.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return v;
  }

  private static String topic(String v) {
    try {
      Topic.validate(nonEmpty(v));
      return v;
    } catch (InvalidTopicException e) {
      throw new IllegalArgumentException("not a topic name: " + e.getMessage());
    }
  }

  private static int integer(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be an integer, got '" + v + "'");
    }
  }

  private static int port(String v) {
    int p = integer(v);
    if (p < -1 || p > 65535) {
      throw new IllegalArgumentException("must be -1 (off), 0 (any free port) or 1..65535, got " + v);
    }
    return p;
  }

  private static boolean bool(String v) {
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private static String httpUrl(String v) {
    try {
      URI u = new URI(v);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("must be an http(s) URL with a host, got '" + v + "'");
      }
      return v;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason());
    }
  }
}
