package dev.costpipe.notify;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.SecretKeys;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.contracts.settings.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

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
 * http: {bind-address: 127.0.0.1, tokens-file: /etc/costpipe/http-tokens}   # the same, as costpipe.http.*
 * }</pre>
 *
 * Durations are written as every setting's ({@link Durations}: {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h},
 * {@code 90d}, ISO-8601 {@code PT2S}) or as a number of milliseconds. {@code channels} may also be a list of
 * objects with a {@code name}. The file is bound by {@link NotifierFile} (unknown keys refused) and read by
 * {@link NotifierConfigReader}. Secrets are read from environment variables or files only, are never printed:
 * {@link #toString()} masks them, and a missing or empty one is a load error naming the variable or file, not
 * the value.
 *
 * @param kafka client settings shared by the consumer, the producer and the admin client
 * @param channels channels by name, in file order
 */
public record NotifierConfig(String bootstrapServers, String groupId, String alertsTopic, String deliveredTopic,
    String failedTopic, boolean createTopics, Duration deliveredRetention, Map<String, String> kafka,
    Map<String, String> consumer, Map<String, String> producer, Retry retry, Duration httpTimeout,
    List<String> defaultChannels, Map<String, ChannelConfig> channels) {
  public static final String DEFAULT_GROUP_ID = "costpipe-notifier";
  public static final String DEFAULT_ALERTS_TOPIC = CostpipeSettings.TOPIC_COST_ALERTS.defaultValue();
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

    @Override
    public String toString() {
      return "{attempts=" + attempts + ", base_delay=" + Durations.format(baseDelay) + ", max_delay="
          + Durations.format(maxDelay) + "}";
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
      return "slack{url=" + SecretKeys.maskUrl(url.reveal()) + " " + url + ", timeout=" + Durations.format(timeout)
          + ", retry=" + retry + "}";
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
      return "webhook{url=" + SecretKeys.maskUrl(url.toString()) + ", secret=" + secret + ", timeout="
          + Durations.format(timeout) + ", retry=" + retry + "}";
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
          + username + ", password=" + password + ", from=" + from + ", to=" + to + ", timeout="
          + Durations.format(timeout) + ", retry=" + retry + "}";
    }
  }

  /** Maps and lists are copied, in file order. */
  public NotifierConfig {
    kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
    consumer = Collections.unmodifiableMap(new LinkedHashMap<>(consumer));
    producer = Collections.unmodifiableMap(new LinkedHashMap<>(producer));
    defaultChannels = List.copyOf(defaultChannels);
    channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
  }

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
   * Parses config text (YAML, or JSON when {@code json}). {@code baseDir} resolves relative secret files;
   * {@code env} looks up environment variables.
   */
  public static NotifierConfig parse(String text, boolean json, Path baseDir, Function<String, String> env) {
    return new NotifierConfigReader(baseDir == null ? Path.of(".") : baseDir, env)
        .read(NotifierFile.tree(text, json));
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

  /** May be null: then {@code kafka.bootstrap.servers} or the command line must give it. */
  @Override
  public String bootstrapServers() {
    return bootstrapServers != null ? bootstrapServers : kafka.get("bootstrap.servers");
  }

  /** The whole config with every secret masked: safe to log. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("NotifierConfig{bootstrap_servers=").append(bootstrapServers())
        .append(", group_id=").append(groupId)
        .append(", topics={alerts=").append(alertsTopic).append(", delivered=").append(deliveredTopic)
        .append(", failed=").append(failedTopic).append(", create=").append(createTopics)
        .append(", delivered_retention=").append(Durations.format(deliveredRetention)).append('}')
        .append(", kafka=").append(maskProperties(kafka))
        .append(", consumer=").append(maskProperties(consumer))
        .append(", producer=").append(maskProperties(producer))
        .append(", retry=").append(retry).append(", http_timeout=").append(Durations.format(httpTimeout))
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
}
