package dev.costpipe.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.SecretKeys;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notifier's configuration ({@code costpipe notify --config FILE}), a YAML or JSON file ({@code .json}
 * is read as JSON, anything else as YAML):
 *
 * <pre>{@code
 * bootstrap_servers: kafka-1:9092          # optional here if given on the command line
 * group_id: costpipe-notifier              # default
 * topics:
 *   alerts: llm.cost-alerts                # default; read with isolation.level=read_committed
 *   delivered: llm.cost-alerts.delivered   # default; compacted, one record per delivery made
 *   failed: llm.cost-alerts.failed         # default; one record per delivery given up
 *   create: true                           # create delivered/failed when missing (default true)
 *   delivered_retention: 90d               # default; how long delivery marks are kept
 * kafka: {security.protocol: SASL_SSL}     # any client setting, for consumer, producer and admin
 * consumer: {}                             # consumer-only settings (e.g. auto.offset.reset: latest)
 * producer: {}                             # producer-only settings
 * retry: {attempts: 5, base_delay: 1s, max_delay: 30s}   # defaults; per-channel "retry" overrides
 * http_timeout: 10s                        # default, per HTTP request / SMTP operation
 * default_channels: [ops-slack]            # for alerts whose rule names no channels
 * channels:
 *   ops-slack:
 *     type: slack
 *     url_env: SLACK_WEBHOOK_URL           # or url_file, or url (the URL holds Slack's token: prefer env/file)
 *   audit-hook:
 *     type: webhook
 *     url: https://hooks.example.com/costpipe
 *     secret_env: COSTPIPE_HOOK_SECRET     # or secret_file: /run/secrets/hook
 *     retry: {attempts: 8, base_delay: 2s}
 *   finance-email:
 *     type: email
 *     host: smtp.example.com
 *     port: 587
 *     starttls: true                       # STARTTLS required: never falls back to plain text
 *     ssl: false                           # implicit TLS (SMTPS, port 465) instead
 *     username: costpipe
 *     password_env: SMTP_PASSWORD          # or password_file
 *     from: costpipe@example.com
 *     to: [finance@example.com]
 * metrics: {port: 9466}                    # read by costpipe notify for its metrics endpoint, not here
 * }</pre>
 *
 * Durations are {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 90d}, ISO-8601 ({@code PT2S}) or a
 * number of milliseconds. {@code channels} may also be a list of objects with a {@code name}. Unknown keys
 * are refused (a misspelt {@code secret_env} must not silently mean "no secret"). Secrets are read from
 * environment variables or files only (a file's trailing newline is dropped; a relative path is relative
 * to the config file), are never printed: {@link #toString()} masks them, and a missing or empty one is a
 * load error naming the variable or file, not the value.
 */
public final class NotifierConfig {
  public static final String DEFAULT_GROUP_ID = "costpipe-notifier";
  public static final String DEFAULT_ALERTS_TOPIC = "llm.cost-alerts";
  public static final String DEFAULT_DELIVERED_TOPIC = "llm.cost-alerts.delivered";
  public static final String DEFAULT_FAILED_TOPIC = "llm.cost-alerts.failed";
  public static final Retry DEFAULT_RETRY = new Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DELIVERED_RETENTION = Duration.ofDays(90);

  /** Retries of one channel: {@code attempts} in all (≥ 1), waiting {@code base_delay × 2^(n-1)} (≤ max) after the n-th failure. */
  public record Retry(int attempts, Duration baseDelay, Duration maxDelay) {
    public Retry {
      if (attempts < 1) {
        throw new IllegalArgumentException("retry.attempts must be at least 1, got " + attempts);
      }
      if (baseDelay.isNegative() || maxDelay.isNegative()) {
        throw new IllegalArgumentException("retry delays must not be negative");
      }
    }

    /** The wait after the {@code failedAttempt}-th failed attempt (1-based): exponential, capped at max_delay. */
    public Duration delayAfter(int failedAttempt) {
      return backoff().delayAfter(failedAttempt);
    }

    /** The waits between attempts: {@code base_delay} doubling up to {@code max_delay}. */
    public Backoff backoff() {
      return new Backoff(baseDelay, maxDelay);
    }
  }

  /** One named delivery channel. */
  public sealed interface ChannelConfig permits SlackConfig, WebhookConfig, EmailConfig {
    String name();

    String type();

    Retry retry();
  }

  /** Slack incoming webhook; the URL holds Slack's token, so it is kept as a {@link Secret}. */
  public record SlackConfig(String name, Secret url, Duration timeout, Retry retry) implements ChannelConfig {
    @Override
    public String type() {
      return "slack";
    }

    @Override
    public String toString() {
      return "slack{url=" + maskUrl(url.reveal()) + " " + url + ", timeout=" + timeout + ", retry=" + retry + "}";
    }
  }

  /** Generic webhook, signed as {@link WebhookSignature} describes. */
  public record WebhookConfig(String name, URI url, Secret secret, Duration timeout, Retry retry)
      implements ChannelConfig {
    @Override
    public String type() {
      return "webhook";
    }

    @Override
    public String toString() {
      return "webhook{url=" + maskUrl(url.toString()) + ", secret=" + secret + ", timeout=" + timeout + ", retry="
          + retry + "}";
    }
  }

  /** Email over SMTP. {@code username}/{@code password} are both null when the server takes mail without AUTH. */
  public record EmailConfig(String name, String host, int port, boolean starttls, boolean ssl, String username,
      Secret password, String from, List<String> to, Duration timeout, Retry retry) implements ChannelConfig {
    @Override
    public String type() {
      return "email";
    }

    @Override
    public String toString() {
      return "email{host=" + host + ", port=" + port + ", starttls=" + starttls + ", ssl=" + ssl + ", username="
          + username + ", password=" + password + ", from=" + from + ", to=" + to + ", timeout=" + timeout
          + ", retry=" + retry + "}";
    }
  }

  private final String bootstrapServers;
  private final String groupId;
  private final String alertsTopic;
  private final String deliveredTopic;
  private final String failedTopic;
  private final boolean createTopics;
  private final Duration deliveredRetention;
  private final Map<String, String> kafka;
  private final Map<String, String> consumer;
  private final Map<String, String> producer;
  private final Retry retry;
  private final Duration httpTimeout;
  private final List<String> defaultChannels;
  private final Map<String, ChannelConfig> channels;

  private NotifierConfig(String bootstrapServers, String groupId, String alertsTopic, String deliveredTopic,
      String failedTopic, boolean createTopics, Duration deliveredRetention, Map<String, String> kafka,
      Map<String, String> consumer, Map<String, String> producer, Retry retry, Duration httpTimeout,
      List<String> defaultChannels, Map<String, ChannelConfig> channels) {
    this.bootstrapServers = bootstrapServers;
    this.groupId = groupId;
    this.alertsTopic = alertsTopic;
    this.deliveredTopic = deliveredTopic;
    this.failedTopic = failedTopic;
    this.createTopics = createTopics;
    this.deliveredRetention = deliveredRetention;
    this.kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
    this.consumer = Collections.unmodifiableMap(new LinkedHashMap<>(consumer));
    this.producer = Collections.unmodifiableMap(new LinkedHashMap<>(producer));
    this.retry = retry;
    this.httpTimeout = httpTimeout;
    this.defaultChannels = List.copyOf(defaultChannels);
    this.channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  /** Loads a config file, secrets from the process environment. */
  public static NotifierConfig load(Path file) {
    return load(file, System::getenv);
  }

  /** Loads a config file, environment variables looked up with {@code env} (tests pass a map). */
  public static NotifierConfig load(Path file, Function<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read notifier config " + file + ": " + e.getMessage(), e);
    }
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    Path base = file.toAbsolutePath().getParent();
    try {
      return parse(text, json, base, env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("notifier config " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses config text. {@code baseDir} resolves relative secret files; {@code env} looks up environment
   * variables.
   */
  public static NotifierConfig parse(String text, boolean json, Path baseDir, Function<String, String> env) {
    ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not valid " + (json ? "JSON" : "YAML")
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "") + ": "
          + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new IllegalArgumentException("the file is empty");
    }
    return new Reader(baseDir == null ? Path.of(".") : baseDir, env).root(root);
  }

  /** A copy with other bootstrap servers (the command line's {@code --bootstrap-server}). */
  public NotifierConfig withBootstrapServers(String servers) {
    return new NotifierConfig(servers, groupId, alertsTopic, deliveredTopic, failedTopic, createTopics,
        deliveredRetention, kafka, consumer, producer, retry, httpTimeout, defaultChannels, channels);
  }

  /** A copy with another consumer group. */
  public NotifierConfig withGroupId(String group) {
    return new NotifierConfig(bootstrapServers, group, alertsTopic, deliveredTopic, failedTopic, createTopics,
        deliveredRetention, kafka, consumer, producer, retry, httpTimeout, defaultChannels, channels);
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors

  /** May be null: then {@code kafka.bootstrap.servers} or the command line must give it. */
  public String bootstrapServers() {
    return bootstrapServers != null ? bootstrapServers : kafka.get("bootstrap.servers");
  }

  public String groupId() {
    return groupId;
  }

  public String alertsTopic() {
    return alertsTopic;
  }

  public String deliveredTopic() {
    return deliveredTopic;
  }

  public String failedTopic() {
    return failedTopic;
  }

  public boolean createTopics() {
    return createTopics;
  }

  public Duration deliveredRetention() {
    return deliveredRetention;
  }

  /** Client settings shared by the consumer, the producer and the admin client. */
  public Map<String, String> kafka() {
    return kafka;
  }

  public Map<String, String> consumer() {
    return consumer;
  }

  public Map<String, String> producer() {
    return producer;
  }

  public Retry retry() {
    return retry;
  }

  public Duration httpTimeout() {
    return httpTimeout;
  }

  public List<String> defaultChannels() {
    return defaultChannels;
  }

  /** Channels by name, in file order. */
  public Map<String, ChannelConfig> channels() {
    return channels;
  }

  /** The whole config with every secret masked: safe to log. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("NotifierConfig{bootstrap_servers=").append(bootstrapServers())
        .append(", group_id=").append(groupId)
        .append(", topics={alerts=").append(alertsTopic).append(", delivered=").append(deliveredTopic)
        .append(", failed=").append(failedTopic).append(", create=").append(createTopics)
        .append(", delivered_retention=").append(deliveredRetention).append('}')
        .append(", kafka=").append(maskProperties(kafka))
        .append(", consumer=").append(maskProperties(consumer))
        .append(", producer=").append(maskProperties(producer))
        .append(", retry=").append(retry).append(", http_timeout=").append(httpTimeout)
        .append(", default_channels=").append(defaultChannels).append(", channels={");
    String sep = "";
    for (var e : channels.entrySet()) {
      b.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = ", ";
    }
    return b.append("}}").toString();
  }

  static Map<String, String> maskProperties(Map<String, String> props) {
    Map<String, String> out = new LinkedHashMap<>();
    props.forEach((k, v) -> out.put(k, SecretKeys.shown(k, v)));
    return out;
  }

  /** {@code scheme://host[:port]/…}: a URL printable in logs (paths and queries may hold tokens). */
  public static String maskUrl(String url) {
    try {
      URI u = new URI(url);
      if (u.getHost() == null) {
        return "****";
      }
      boolean more = (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
          || u.getRawQuery() != null;
      return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "") + (more ? "/…" : "");
    } catch (URISyntaxException e) {
      return "****";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The reader

  private static final class Reader {
    private final Path baseDir;
    private final Function<String, String> env;

    Reader(Path baseDir, Function<String, String> env) {
      this.baseDir = baseDir;
      this.env = env;
    }

    NotifierConfig root(JsonNode root) {
      object(root, "");
      allowOnly(root, "", "bootstrap_servers", "group_id", "topics", "kafka", "consumer", "producer", "retry",
          "http_timeout", "default_channels", "channels", "metrics");
      JsonNode topics = root.path("topics");
      if (!topics.isMissingNode()) {
        object(topics, "topics");
        allowOnly(topics, "topics", "alerts", "delivered", "failed", "create", "delivered_retention");
      }
      String alerts = string(topics, "topics.alerts", "alerts", DEFAULT_ALERTS_TOPIC);
      String delivered = string(topics, "topics.delivered", "delivered", DEFAULT_DELIVERED_TOPIC);
      String failed = string(topics, "topics.failed", "failed", DEFAULT_FAILED_TOPIC);
      if (new LinkedHashSet<>(List.of(alerts, delivered, failed)).size() != 3) {
        throw new IllegalArgumentException("topics.alerts, topics.delivered and topics.failed must differ");
      }
      Retry retry = retry(root.path("retry"), "retry", DEFAULT_RETRY);
      Duration httpTimeout = duration(root.path("http_timeout"), "http_timeout", DEFAULT_HTTP_TIMEOUT);
      if (httpTimeout.isZero() || httpTimeout.isNegative()) {
        throw new IllegalArgumentException("http_timeout must be positive");
      }
      Map<String, ChannelConfig> channels = channels(root.path("channels"), retry, httpTimeout);
      List<String> defaults = stringList(root.path("default_channels"), "default_channels");
      for (String d : defaults) {
        if (!channels.containsKey(d)) {
          throw new IllegalArgumentException("default_channels: no channel named '" + d + "' (defined: "
              + channels.keySet() + ")");
        }
      }
      return new NotifierConfig(string(root, "bootstrap_servers", "bootstrap_servers", null),
          string(root, "group_id", "group_id", DEFAULT_GROUP_ID), alerts, delivered, failed,
          bool(topics, "topics.create", "create", true),
          duration(topics.path("delivered_retention"), "topics.delivered_retention", DEFAULT_DELIVERED_RETENTION),
          properties(root.path("kafka"), "kafka"), properties(root.path("consumer"), "consumer"),
          properties(root.path("producer"), "producer"), retry, httpTimeout, defaults, channels);
    }

    private Map<String, ChannelConfig> channels(JsonNode node, Retry retry, Duration timeout) {
      Map<String, ChannelConfig> out = new LinkedHashMap<>();
      if (node.isMissingNode() || node.isNull()) {
        return out;
      }
      if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          var e = it.next();
          out.put(e.getKey(), channel(e.getKey(), e.getValue(), "channels." + e.getKey(), false, retry, timeout));
        }
      } else if (node.isArray()) {
        int i = 0;
        for (JsonNode c : node) {
          String path = "channels[" + i++ + "]";
          object(c, path);
          String name = string(c, path + ".name", "name", null);
          if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(path + ".name: required");
          }
          if (out.containsKey(name)) {
            throw new IllegalArgumentException(path + ": channel '" + name + "' is defined twice");
          }
          out.put(name, channel(name, c, path, true, retry, timeout));
        }
      } else {
        throw new IllegalArgumentException("channels: must be a map of name → channel, or a list");
      }
      return out;
    }

    private ChannelConfig channel(String name, JsonNode c, String path, boolean named, Retry defaultRetry,
        Duration defaultTimeout) {
      if (name.isBlank()) {
        throw new IllegalArgumentException(path + ": a channel name must not be blank");
      }
      object(c, path);
      String type = string(c, path + ".type", "type", null);
      if (type == null) {
        throw new IllegalArgumentException(path + ".type: required (slack, webhook or email)");
      }
      Retry retry = retry(c.path("retry"), path + ".retry", defaultRetry);
      Duration timeout = duration(c.path("timeout"), path + ".timeout", defaultTimeout);
      List<String> common = new ArrayList<>(List.of("type", "retry", "timeout"));
      if (named) {
        common.add("name");
      }
      switch (type) {
        case "slack" -> {
          allowOnly(c, path, concat(common, "url", "url_env", "url_file"));
          Secret url = secret(c, path, "url", true);
          checkHttpUrl(url.reveal(), path + ".url");
          return new SlackConfig(name, url, timeout, retry);
        }
        case "webhook" -> {
          allowOnly(c, path, concat(common, "url", "secret_env", "secret_file"));
          String url = string(c, path + ".url", "url", null);
          if (url == null) {
            throw new IllegalArgumentException(path + ".url: required");
          }
          Secret secret = secret(c, path, "secret", false);
          if (secret == null) {
            throw new IllegalArgumentException(path + ": a webhook needs secret_env or secret_file (its requests are signed)");
          }
          return new WebhookConfig(name, checkHttpUrl(url, path + ".url"), secret, timeout, retry);
        }
        case "email" -> {
          allowOnly(c, path, concat(common, "host", "port", "starttls", "ssl", "username", "password_env",
              "password_file", "from", "to"));
          String host = string(c, path + ".host", "host", null);
          if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(path + ".host: required");
          }
          boolean starttls = bool(c, path + ".starttls", "starttls", false);
          boolean ssl = bool(c, path + ".ssl", "ssl", false);
          if (starttls && ssl) {
            throw new IllegalArgumentException(path + ": starttls and ssl exclude each other (ssl is implicit TLS, port 465)");
          }
          int port = integer(c, path + ".port", "port", ssl ? 465 : starttls ? 587 : 25);
          if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(path + ".port: must be 1..65535, got " + port);
          }
          String username = string(c, path + ".username", "username", null);
          Secret password = secret(c, path, "password", false);
          if ((username == null) != (password == null)) {
            throw new IllegalArgumentException(path + ": username and password_env/password_file go together");
          }
          String from = string(c, path + ".from", "from", null);
          if (from == null || from.isBlank()) {
            throw new IllegalArgumentException(path + ".from: required");
          }
          List<String> to = stringList(c.path("to"), path + ".to");
          if (to.isEmpty()) {
            throw new IllegalArgumentException(path + ".to: at least one recipient");
          }
          return new EmailConfig(name, host, port, starttls, ssl, username, password, from, to, timeout, retry);
        }
        default -> throw new IllegalArgumentException(path + ".type: must be slack, webhook or email, got '"
            + type + "'");
      }
    }

    /**
     * {@code <base>_env} or {@code <base>_file} (or, when {@code inlineAllowed}, {@code <base>} itself): exactly
     * one of them.
     */
    private Secret secret(JsonNode c, String path, String base, boolean inlineAllowed) {
      String envName = string(c, path + "." + base + "_env", base + "_env", null);
      String file = string(c, path + "." + base + "_file", base + "_file", null);
      String inline = inlineAllowed ? string(c, path + "." + base, base, null) : null;
      int given = (envName != null ? 1 : 0) + (file != null ? 1 : 0) + (inline != null ? 1 : 0);
      if (given == 0) {
        if (inlineAllowed) {
          throw new IllegalArgumentException(path + ": one of " + base + ", " + base + "_env, " + base
              + "_file is required");
        }
        return null;
      }
      if (given > 1) {
        throw new IllegalArgumentException(path + ": give only one of " + (inlineAllowed ? base + ", " : "")
            + base + "_env, " + base + "_file");
      }
      if (envName != null) {
        String v = env.apply(envName);
        if (v == null || v.isEmpty()) {
          throw new IllegalArgumentException(path + "." + base + "_env: environment variable " + envName
              + " is not set or empty");
        }
        return new Secret(v, "env:" + envName);
      }
      if (file != null) {
        Path p = baseDir.resolve(file);
        String v;
        try {
          v = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalArgumentException(path + "." + base + "_file: cannot read " + p + " ("
              + e.getClass().getSimpleName() + ")");
        }
        v = v.replaceAll("[\r\n]+$", "");
        if (v.isEmpty()) {
          throw new IllegalArgumentException(path + "." + base + "_file: " + p + " is empty");
        }
        return new Secret(v, "file:" + p);
      }
      return new Secret(inline, "config");
    }

    private Retry retry(JsonNode node, String path, Retry defaults) {
      if (node.isMissingNode() || node.isNull()) {
        return defaults;
      }
      object(node, path);
      allowOnly(node, path, "attempts", "base_delay", "max_delay");
      int attempts = integer(node, path + ".attempts", "attempts", defaults.attempts());
      if (attempts < 1) {
        throw new IllegalArgumentException(path + ".attempts: must be at least 1, got " + attempts);
      }
      Duration base = duration(node.path("base_delay"), path + ".base_delay", defaults.baseDelay());
      Duration max = duration(node.path("max_delay"), path + ".max_delay", defaults.maxDelay());
      return new Retry(attempts, base, max);
    }

    private static URI checkHttpUrl(String url, String path) {
      try {
        URI u = new URI(url);
        if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
            || u.getHost() == null) {
          throw new IllegalArgumentException(path + ": must be an http(s) URL with a host, got "
              + maskUrl(url));
        }
        return u;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(path + ": not a URL (" + e.getReason() + ")");
      }
    }

    private static List<String> concat(List<String> a, String... b) {
      List<String> out = new ArrayList<>(a);
      out.addAll(List.of(b));
      return out;
    }

    private static void object(JsonNode n, String path) {
      if (!n.isObject()) {
        throw new IllegalArgumentException((path.isEmpty() ? "the top level" : path) + ": must be a map");
      }
    }

    private static void allowOnly(JsonNode n, String path, String... keys) {
      allowOnly(n, path, List.of(keys));
    }

    private static void allowOnly(JsonNode n, String path, List<String> keys) {
      Set<String> allowed = Set.copyOf(keys);
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          throw new IllegalArgumentException((path.isEmpty() ? "" : path + ": ") + "unknown key '" + k
              + "' (known: " + String.join(", ", keys) + ")");
        }
      }
    }

    private static String string(JsonNode parent, String path, String field, String dflt) {
      JsonNode n = parent.path(field);
      if (n.isMissingNode() || n.isNull()) {
        return dflt;
      }
      if (!n.isValueNode() || n.isBoolean()) {
        throw new IllegalArgumentException(path + ": must be a string");
      }
      return n.asText();
    }

    private static boolean bool(JsonNode parent, String path, String field, boolean dflt) {
      JsonNode n = parent.path(field);
      if (n.isMissingNode() || n.isNull()) {
        return dflt;
      }
      if (n.isBoolean()) {
        return n.booleanValue();
      }
      if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false"))) {
        return Boolean.parseBoolean(n.asText());
      }
      throw new IllegalArgumentException(path + ": must be true or false");
    }

    private static int integer(JsonNode parent, String path, String field, int dflt) {
      JsonNode n = parent.path(field);
      if (n.isMissingNode() || n.isNull()) {
        return dflt;
      }
      if (n.canConvertToInt() && n.isIntegralNumber()) {
        return n.intValue();
      }
      if (n.isTextual()) {
        try {
          return Integer.parseInt(n.asText().trim());
        } catch (NumberFormatException e) {
          // below
        }
      }
      throw new IllegalArgumentException(path + ": must be an integer");
    }

    private static List<String> stringList(JsonNode n, String path) {
      if (n.isMissingNode() || n.isNull()) {
        return List.of();
      }
      if (n.isTextual()) {
        return List.of(n.asText());
      }
      if (!n.isArray()) {
        throw new IllegalArgumentException(path + ": must be a list of strings");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode e : n) {
        if (!e.isTextual() || e.asText().isBlank()) {
          throw new IllegalArgumentException(path + ": must be a list of non-empty strings");
        }
        out.add(e.asText());
      }
      return out;
    }

    private static Map<String, String> properties(JsonNode n, String path) {
      Map<String, String> out = new LinkedHashMap<>();
      if (n.isMissingNode() || n.isNull()) {
        return out;
      }
      object(n, path);
      n.fields().forEachRemaining(e -> {
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new IllegalArgumentException(path + "." + e.getKey() + ": must be a plain value");
        }
        out.put(e.getKey(), e.getValue().asText());
      });
      return out;
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    static Duration duration(JsonNode n, String path, Duration dflt) {
      if (n.isMissingNode() || n.isNull()) {
        return dflt;
      }
      if (n.isIntegralNumber()) {
        return Duration.ofMillis(n.longValue());
      }
      if (n.isTextual()) {
        String t = n.asText().trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
          long v = Long.parseLong(m.group(1));
          return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
          };
        }
        if (t.matches("\\d+")) {
          return Duration.ofMillis(Long.parseLong(t));
        }
        try {
          return Duration.parse(n.asText().trim());
        } catch (DateTimeParseException e) {
          // below
        }
      }
      throw new IllegalArgumentException(path + ": not a duration (e.g. 500ms, 2s, 5m, 1h, 90d, PT2S), got "
          + Objects.toString(n.asText()));
    }
  }
}
