package dev.costpipe.app.config;

import dev.costpipe.contracts.settings.Component;
import dev.costpipe.contracts.settings.Suggestions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka settings a component passes through, checked against Kafka's own definitions: an unknown name
 * is a warning (a plugin may read it), a value Kafka cannot parse or refuses is an error.
 */
final class KafkaSettings {
  /** Kafka Streams' prefixes for settings of one of its clients, or of the topics it creates. */
  private static final List<String> STREAMS_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
      StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
      StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

  private final Component component;
  private final List<ConfigDef> defs;
  private final Set<String> names = new TreeSet<>();

  KafkaSettings(Component component) {
    this.component = component;
    this.defs = component == Component.RUN
        ? List.of(StreamsConfig.configDef(), ConsumerConfig.configDef(), ProducerConfig.configDef(),
            AdminClientConfig.configDef())
        : List.of(ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef());
    defs.forEach(d -> names.addAll(d.names()));
  }

  /** Whether Kafka defines the setting (or takes any name there: topic configs and client tags of Streams). */
  boolean knows(String key) {
    return isFreeForm(key) || names.contains(unprefixed(key));
  }

  private boolean isFreeForm(String key) {
    return component == Component.RUN
        && (key.startsWith(StreamsConfig.TOPIC_PREFIX) || key.startsWith(StreamsConfig.CLIENT_TAG_PREFIX));
  }

  /** The client setting a Streams-prefixed one ({@code main.consumer.max.poll.records}) sets. */
  private String unprefixed(String key) {
    if (component == Component.RUN) {
      for (String prefix : STREAMS_PREFIXES) {
        if (key.startsWith(prefix)) {
          return key.substring(prefix.length());
        }
      }
    }
    return key;
  }

  /** What is wrong with one Kafka setting, if anything. */
  Optional<Problem> check(String key, String value) {
    if (isFreeForm(key)) {
      return Optional.empty();
    }
    String name = unprefixed(key);
    for (ConfigDef def : defs) {
      ConfigDef.ConfigKey k = def.configKeys().get(name);
      if (k != null) {
        try {
          Object parsed = ConfigDef.parseType(name, value, k.type);
          if (k.validator != null) {
            k.validator.ensureValid(name, parsed);
          }
        } catch (ConfigException e) {
          return Optional.of(Problem.error(key + ": " + e.getMessage()));
        }
        return Optional.empty();
      }
    }
    String what = component == Component.RUN ? "a Kafka Streams, consumer, producer or admin setting"
        : "a Kafka consumer, producer or admin setting";
    return Optional.of(Problem.warning(key + ": not " + what + " (passed through anyway)"
        + Suggestions.closest(name, names).map(s -> "; did you mean " + s + "?").orElse("")));
  }
}
