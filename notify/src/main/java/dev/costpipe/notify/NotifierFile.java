package dev.costpipe.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.costpipe.contracts.settings.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The notifier's file as written, bound by Jackson: snake_case keys, unknown keys refused (a misspelt
 * {@code secret_env} must not silently mean "no secret"), absent keys null. {@link NotifierConfigReader} applies
 * the defaults, reads the secrets and checks the rules between keys. Binding errors become one message that
 * names the key's path ({@code channels.h: unknown key 'secret_evn'}).
 */
final class NotifierFile {
  private NotifierFile() {}

  /**
   * The top level; {@code metrics} and {@code http} are read by {@code costpipe notify} for its metrics endpoint,
   * not here.
   */
  @JsonIgnoreProperties({"metrics", "http"})
  record Root(String bootstrapServers, String groupId, Topics topics, Map<String, String> kafka,
      Map<String, String> consumer, Map<String, String> producer, RetryFile retry, Duration httpTimeout,
      List<String> defaultChannels, JsonNode channels) {}

  record Topics(String alerts, String delivered, String failed, Boolean create, Duration deliveredRetention) {}

  /** A retry section; what it leaves out comes from the section it overrides. */
  record RetryFile(Integer attempts, Duration baseDelay, Duration maxDelay) {}

  /** One channel, by its {@code type}. A secret comes from {@code _env} or {@code _file} (the Slack URL inline too). */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({@JsonSubTypes.Type(value = SlackFile.class, name = "slack"),
      @JsonSubTypes.Type(value = WebhookFile.class, name = "webhook"),
      @JsonSubTypes.Type(value = EmailFile.class, name = "email")})
  sealed interface ChannelFile permits SlackFile, WebhookFile, EmailFile {
    Duration timeout();

    RetryFile retry();
  }

  record SlackFile(Duration timeout, RetryFile retry, String url, String urlEnv, String urlFile)
      implements ChannelFile {}

  record WebhookFile(Duration timeout, RetryFile retry, String url, String secretEnv, String secretFile)
      implements ChannelFile {}

  record EmailFile(Duration timeout, RetryFile retry, String host, Integer port, Boolean starttls, Boolean ssl,
      String username, String passwordEnv, String passwordFile, String from, List<String> to)
      implements ChannelFile {}

  private static final ObjectMapper BINDER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY) // to: one@example.com
      .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
      .build();

  /** The file's tree: YAML, or JSON when {@code json}; an empty file or a syntax error is refused. */
  static JsonNode tree(String text, boolean json) {
    ObjectMapper reader = json ? new ObjectMapper() : new YAMLMapper();
    JsonNode root;
    try {
      root = reader.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid " + (json ? "JSON" : "YAML")
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "") + ": "
          + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new IllegalArgumentException("the file is empty");
    }
    return root;
  }

  /** {@code node} bound to {@code type}; {@code path} (the node's place in the file) prefixes any error. */
  static <T> T bind(JsonNode node, Class<T> type, String path) {
    try {
      return BINDER.treeToValue(node, type);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(message(path, e), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(path + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String message(String path, JsonMappingException e) {
    List<JsonMappingException.Reference> refs = e.getPath();
    if (e instanceof UnrecognizedPropertyException u) {
      String at = join(path, refs.subList(0, refs.size() - 1));
      return (at.isEmpty() ? "" : at + ": ") + "unknown key '" + u.getPropertyName() + "' (known: "
          + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
    }
    String at = join(path, refs);
    if (e instanceof InvalidTypeIdException t) {
      return at + ".type: " + (t.getTypeId() == null ? "required (slack, webhook or email)"
          : "must be slack, webhook or email, got '" + t.getTypeId() + "'");
    }
    String where = at.isEmpty() ? "the top level" : at;
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return where + ": must be " + expected(m.getTargetType());
    }
    return where + ": " + e.getOriginalMessage();
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    return Collection.class.isAssignableFrom(type) ? "a list of strings" : "a map";
  }

  /** {@code channels.h.retry}, {@code default_channels[0]}. */
  private static String join(String path, List<JsonMappingException.Reference> refs) {
    StringBuilder b = new StringBuilder(path);
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  /** {@link Durations}' syntax; a number (or digits) is milliseconds, as this file has always read it. */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return Duration.ofMillis(p.getLongValue());
      }
      String text = p.getValueAsString();
      if (text == null) {
        throw JsonMappingException.from(p, "not a duration (use " + Durations.SYNTAX + ")");
      }
      try {
        return text.strip().matches("\\d+") ? Duration.ofMillis(Long.parseLong(text.strip())) : Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }
}
