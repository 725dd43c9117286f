package dev.costpipe.app.config;

import dev.costpipe.contracts.SecretKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.costpipe.contracts.settings.Component;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.contracts.settings.Durations;
import dev.costpipe.contracts.settings.EnvNames;
import dev.costpipe.contracts.settings.SettingType;
import dev.costpipe.notify.NotifierConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The notifier's configuration: its YAML file ({@link NotifierConfig}) plus {@code metrics} and {@code http}
 * sections of its own ({@code metrics: {port: 9466}}, {@code http: {bind-address: 0.0.0.0, tokens-file: …}}, as
 * {@code costpipe.http.*}), with the same layers as {@link ConfigLoader}: {@code COSTPIPE_KAFKA_*}
 * variables set Kafka client settings ({@code kafka:}; {@code COSTPIPE_KAFKA_BOOTSTRAP_SERVERS} sets
 * {@code bootstrap_servers}), {@code COSTPIPE_METRICS_PORT} the port, {@code COSTPIPE_HTTP_BIND__ADDRESS} and
 * {@code COSTPIPE_HTTP_TOKENS__FILE} the HTTP settings; {@code --bootstrap-server} wins over both.
 * Channels and their secrets stay in the file (secrets by {@code *_env}/{@code *_file}).
 */
public final class NotifyConfigLoader {
  public static final String METRICS_PORT = "metrics.port";
  public static final String HTTP_BIND_ADDRESS = "http.bind-address";
  public static final String HTTP_TOKENS_FILE = "http.tokens-file";
  private static final Map<String, String> HTTP_SETTINGS = Map.of(CostpipeSettings.HTTP_BIND_ADDRESS.key(),
      HTTP_BIND_ADDRESS, CostpipeSettings.HTTP_TOKENS_FILE.key(), HTTP_TOKENS_FILE);

  /** The loaded config; {@code notifier} is null when it is invalid. */
  public record Result(LoadedConfig loaded, NotifierConfig notifier) {}

  private NotifyConfigLoader() {}

  public static Result load(Path file, Map<String, String> env, String bootstrapFlag) {
    Function<String, String> secrets = env::get;
    EffectiveConfig config = new EffectiveConfig();
    List<Problem> problems = new ArrayList<>();
    ObjectNode tree;
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
      tree = root instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    } catch (IOException e) {
      problems.add(Problem.error("cannot read notifier config " + file + ": " + e.getMessage()));
      return new Result(new LoadedConfig(Component.NOTIFY, config, problems), null);
    }
    flatten("", tree, config, file.toString());
    JsonNode metrics = tree.get("metrics");
    if (metrics != null && !(metrics.isObject() && metrics.size() == 1 && metrics.has("port"))) {
      problems.add(Problem.error("metrics: must be {port: N}, the only key of the section"));
    }
    JsonNode http = tree.get("http");
    if (http != null && (!http.isObject() || !http.properties().stream()
        .allMatch(f -> HTTP_SETTINGS.containsValue("http." + f.getKey())))) {
      problems.add(Problem.error("http: may hold bind-address and tokens-file only"));
    }
    EnvNames.settings(env).forEach((key, variable) -> {
      String value = env.get(variable).strip();
      if (key.equals(CostpipeSettings.METRICS_PORT.key())) {
        config.put(METRICS_PORT, value, ValueSource.ENV, variable);
      } else if (HTTP_SETTINGS.containsKey(key)) {
        config.put(HTTP_SETTINGS.get(key), value, ValueSource.ENV, variable);
      } else if (key.equals("bootstrap.servers")) {
        tree.put("bootstrap_servers", value);
        config.put("bootstrap_servers", value, ValueSource.ENV, variable);
      } else if (!key.startsWith("costpipe.")) {
        tree.withObject("kafka").put(key, value);
        config.put("kafka." + key, value, ValueSource.ENV, variable);
      }
    });
    if (bootstrapFlag != null) {
      tree.put("bootstrap_servers", bootstrapFlag);
      config.put("bootstrap_servers", bootstrapFlag, ValueSource.FLAG, null);
    }
    if (config.get(METRICS_PORT) == null) {
      config.put(METRICS_PORT, Integer.toString(Component.NOTIFY.defaultMetricsPort()), ValueSource.DEFAULT, null);
    }
    String portProblem = SettingType.PORT.check(config.get(METRICS_PORT));
    if (portProblem != null) {
      problems.add(Problem.error(METRICS_PORT + ": " + portProblem));
    }
    NotifierConfig notifier = null;
    try {
      notifier = NotifierConfig.parse(tree.toString(), true, file.toAbsolutePath().getParent(), secrets);
      if (notifier.bootstrapServers() == null || notifier.bootstrapServers().isBlank()) {
        problems.add(Problem.error("bootstrap_servers: required (in the file, --bootstrap-server, or "
            + EnvNames.of("bootstrap.servers") + ")"));
      }
      defaults(notifier, config);
    } catch (IllegalArgumentException e) {
      problems.add(Problem.error("notifier config " + file + ": " + e.getMessage()));
    }
    KafkaSettings kafka = new KafkaSettings(Component.NOTIFY);
    for (String section : List.of("kafka.", "consumer.", "producer.")) {
      config.values().forEach((k, v) -> {
        if (k.startsWith(section)) {
          String name = k.substring(section.length());
          kafka.check(name, v.value()).ifPresent(problems::add);
          if (!kafka.knows(name)) {
            config.markUnknown(k);
          }
        }
      });
    }
    LoadedConfig loaded = new LoadedConfig(Component.NOTIFY, config, problems);
    return new Result(loaded, loaded.valid() ? notifier : null);
  }

  /** The defaults NotifierConfig applied, shown for what the file leaves out. */
  private static void defaults(NotifierConfig n, EffectiveConfig config) {
    putDefault(config, "group_id", n.groupId());
    putDefault(config, "topics.alerts", n.alertsTopic());
    putDefault(config, "topics.delivered", n.deliveredTopic());
    putDefault(config, "topics.failed", n.failedTopic());
    putDefault(config, "topics.create", Boolean.toString(n.createTopics()));
    putDefault(config, "topics.delivered_retention", Durations.format(n.deliveredRetention()));
    putDefault(config, "http_timeout", Durations.format(n.httpTimeout()));
    if (config.values().keySet().stream().noneMatch(k -> k.startsWith("retry."))) {
      putDefault(config, "retry.attempts", Integer.toString(n.retry().attempts()));
      putDefault(config, "retry.base_delay", Durations.format(n.retry().baseDelay()));
      putDefault(config, "retry.max_delay", Durations.format(n.retry().maxDelay()));
    }
  }

  private static void putDefault(EffectiveConfig config, String key, String value) {
    if (config.get(key) == null) {
      config.put(key, value, ValueSource.DEFAULT, null);
    }
  }

  /** Scalar leaves as dotted keys; lists as their JSON text; URLs shown as scheme://host only. */
  private static void flatten(String prefix, JsonNode node, EffectiveConfig config, String origin) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        flatten(prefix + e.getKey() + ".", e.getValue(), config, origin);
      }
      return;
    }
    if (node.isArray() && !node.isEmpty() && node.get(0).isContainerNode()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + i + ".", node.get(i), config, origin);
      }
      return;
    }
    String key = prefix.substring(0, prefix.length() - 1);
    String value = node.isValueNode() ? node.asText() : node.toString();
    if (key.toLowerCase(Locale.ROOT).endsWith("url")) {
      value = SecretKeys.maskUrl(value);
    }
    config.put(key, value, ValueSource.FILE, origin);
  }
}
