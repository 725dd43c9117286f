package dev.costpipe.notify;

import dev.costpipe.contracts.SecretKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.notify.NotifierConfig.ChannelConfig;
import dev.costpipe.notify.NotifierConfig.EmailConfig;
import dev.costpipe.notify.NotifierConfig.Retry;
import dev.costpipe.notify.NotifierConfig.SlackConfig;
import dev.costpipe.notify.NotifierConfig.WebhookConfig;
import dev.costpipe.notify.NotifierFile.ChannelFile;
import dev.costpipe.notify.NotifierFile.EmailFile;
import dev.costpipe.notify.NotifierFile.RetryFile;
import dev.costpipe.notify.NotifierFile.Root;
import dev.costpipe.notify.NotifierFile.SlackFile;
import dev.costpipe.notify.NotifierFile.Topics;
import dev.costpipe.notify.NotifierFile.WebhookFile;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * From the file as bound ({@link NotifierFile}) to a {@link NotifierConfig}: defaults for what the file leaves
 * out, secrets read from the environment or files (a file's trailing newline dropped, a relative path relative to
 * the config file), and the rules between keys. Every refusal is an {@link IllegalArgumentException} naming the
 * key's path and never a secret's value.
 */
final class NotifierConfigReader {
  private final Path baseDir;
  private final Function<String, String> env;

  NotifierConfigReader(Path baseDir, Function<String, String> env) {
    this.baseDir = baseDir;
    this.env = env;
  }

  NotifierConfig read(JsonNode tree) {
    Root root = NotifierFile.bind(tree, Root.class, "");
    Topics topics = root.topics() != null ? root.topics() : new Topics(null, null, null, null, null);
    String alerts = or(topics.alerts(), NotifierConfig.DEFAULT_ALERTS_TOPIC);
    String delivered = or(topics.delivered(), NotifierConfig.DEFAULT_DELIVERED_TOPIC);
    String failed = or(topics.failed(), NotifierConfig.DEFAULT_FAILED_TOPIC);
    if (new LinkedHashSet<>(List.of(alerts, delivered, failed)).size() != 3) {
      throw new IllegalArgumentException("topics.alerts, topics.delivered and topics.failed must differ");
    }
    Retry retry = retry(root.retry(), "retry", NotifierConfig.DEFAULT_RETRY);
    Duration httpTimeout = or(root.httpTimeout(), NotifierConfig.DEFAULT_HTTP_TIMEOUT);
    if (httpTimeout.isZero() || httpTimeout.isNegative()) {
      throw new IllegalArgumentException("http_timeout must be positive");
    }
    Map<String, ChannelConfig> channels = channels(root.channels(), retry, httpTimeout);
    List<String> defaults = or(root.defaultChannels(), List.of());
    for (String d : defaults) {
      if (!channels.containsKey(d)) {
        throw new IllegalArgumentException("default_channels: no channel named '" + d + "' (defined: "
            + channels.keySet() + ")");
      }
    }
    return new NotifierConfig(root.bootstrapServers(), or(root.groupId(), NotifierConfig.DEFAULT_GROUP_ID), alerts,
        delivered, failed, or(topics.create(), true),
        or(topics.deliveredRetention(), NotifierConfig.DEFAULT_DELIVERED_RETENTION), or(root.kafka(), Map.of()),
        or(root.consumer(), Map.of()), or(root.producer(), Map.of()), retry, httpTimeout, defaults, channels);
  }

  /** A map of name → channel, or a list of channels with a {@code name} each. */
  private Map<String, ChannelConfig> channels(JsonNode node, Retry retry, Duration timeout) {
    Map<String, ChannelConfig> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(),
          channel(e.getKey(), e.getValue(), "channels." + e.getKey(), retry, timeout)));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String path = "channels[" + i + "]";
        if (!(node.get(i) instanceof ObjectNode entry)) {
          throw new IllegalArgumentException(path + ": must be a map");
        }
        ObjectNode rest = entry.deepCopy();
        JsonNode name = rest.remove("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
          throw new IllegalArgumentException(path + ".name: required");
        }
        if (out.containsKey(name.asText())) {
          throw new IllegalArgumentException(path + ": channel '" + name.asText() + "' is defined twice");
        }
        out.put(name.asText(), channel(name.asText(), rest, path, retry, timeout));
      }
    } else {
      throw new IllegalArgumentException("channels: must be a map of name → channel, or a list");
    }
    return out;
  }

  private ChannelConfig channel(String name, JsonNode node, String path, Retry defaultRetry,
      Duration defaultTimeout) {
    if (name.isBlank()) {
      throw new IllegalArgumentException(path + ": a channel name must not be blank");
    }
    ChannelFile c = NotifierFile.bind(node, ChannelFile.class, path);
    Retry retry = retry(c.retry(), path + ".retry", defaultRetry);
    Duration timeout = or(c.timeout(), defaultTimeout);
    if (c instanceof SlackFile s) {
      Secret url = secret(path, "url", s.url(), s.urlEnv(), s.urlFile(), true);
      httpUrl(url.reveal(), path + ".url");
      return new SlackConfig(name, url, timeout, retry);
    }
    if (c instanceof WebhookFile w) {
      URI url = httpUrl(required(w.url(), path + ".url"), path + ".url");
      Secret secret = secret(path, "secret", null, w.secretEnv(), w.secretFile(), false);
      if (secret == null) {
        throw new IllegalArgumentException(path + ": a webhook needs secret_env or secret_file (its requests are"
            + " signed)");
      }
      return new WebhookConfig(name, url, secret, timeout, retry);
    }
    return email(name, (EmailFile) c, path, timeout, retry);
  }

  private EmailConfig email(String name, EmailFile e, String path, Duration timeout, Retry retry) {
    String host = required(e.host(), path + ".host");
    boolean starttls = or(e.starttls(), false);
    boolean ssl = or(e.ssl(), false);
    if (starttls && ssl) {
      throw new IllegalArgumentException(path + ": starttls and ssl exclude each other (ssl is implicit TLS, port"
          + " 465)");
    }
    int port = or(e.port(), ssl ? 465 : starttls ? 587 : 25);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(path + ".port: must be 1..65535, got " + port);
    }
    Secret password = secret(path, "password", null, e.passwordEnv(), e.passwordFile(), false);
    if ((e.username() == null) != (password == null)) {
      throw new IllegalArgumentException(path + ": username and password_env/password_file go together");
    }
    String from = required(e.from(), path + ".from");
    List<String> to = or(e.to(), List.of());
    if (to.isEmpty()) {
      throw new IllegalArgumentException(path + ".to: at least one recipient");
    }
    if (to.stream().anyMatch(t -> t == null || t.isBlank())) {
      throw new IllegalArgumentException(path + ".to: must be a list of non-empty strings");
    }
    return new EmailConfig(name, host, port, starttls, ssl, e.username(), password, from, to, timeout, retry);
  }

  /** A section's retry: what it gives over {@code defaults}. */
  private static Retry retry(RetryFile r, String path, Retry defaults) {
    if (r == null) {
      return defaults;
    }
    int attempts = or(r.attempts(), defaults.attempts());
    if (attempts < 1) {
      throw new IllegalArgumentException(path + ".attempts: must be at least 1, got " + attempts);
    }
    return new Retry(attempts, or(r.baseDelay(), defaults.baseDelay()), or(r.maxDelay(), defaults.maxDelay()));
  }

  /**
   * {@code <base>_env} or {@code <base>_file} (or, when {@code inlineAllowed}, {@code <base>} itself): exactly one
   * of them; null when none is given and none is required.
   */
  private Secret secret(String path, String base, String inline, String envName, String file,
      boolean inlineAllowed) {
    long given = Stream.of(inline, envName, file).filter(Objects::nonNull).count();
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

  private static URI httpUrl(String url, String path) {
    try {
      URI u = new URI(url);
      if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
          || u.getHost() == null) {
        throw new IllegalArgumentException(path + ": must be an http(s) URL with a host, got "
            + SecretKeys.maskUrl(url));
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(path + ": not a URL (" + e.getReason() + ")");
    }
  }

  private static String required(String value, String path) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(path + ": required");
    }
    return value;
  }

  private static <T> T or(T value, T dflt) {
    return value != null ? value : dflt;
  }
}
