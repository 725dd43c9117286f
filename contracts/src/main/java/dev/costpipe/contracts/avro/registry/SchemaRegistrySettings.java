package dev.costpipe.contracts.avro.registry;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Schema registry settings, named as Confluent's serdes name them so one config file serves both:
 * {@code schema.registry.url} (comma-separated; the first that answers is used), {@code auto.register.schemas}
 * (default true: a producer registers its schema under {@code <topic>-value}; false: it must already be
 * registered), {@code basic.auth.user.info} ({@code user:password}, optional, never logged).
 */
public record SchemaRegistrySettings(List<URI> urls, boolean autoRegister, String basicAuthUserInfo) {
  public static final String URL = "schema.registry.url";
  public static final String AUTO_REGISTER = "auto.register.schemas";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  public SchemaRegistrySettings {
    if (urls == null || urls.isEmpty()) {
      throw new IllegalArgumentException(URL + " is required for Avro values (e.g. http://localhost:8081)");
    }
    urls = List.copyOf(urls);
  }

  /** From Kafka-style configs (a serde's {@code configure} map or properties). */
  public static SchemaRegistrySettings from(Map<String, ?> configs) {
    Object url = configs.get(URL);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException(URL + " is required for Avro values (e.g. http://localhost:8081)");
    }
    List<URI> urls = Arrays.stream(url.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s)).toList();
    Object auto = configs.get(AUTO_REGISTER);
    Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
    return new SchemaRegistrySettings(urls, auto == null || Boolean.parseBoolean(auto.toString().trim()),
        userInfo == null || userInfo.toString().isEmpty() ? null : userInfo.toString());
  }

  @Override
  public String toString() {
    return "SchemaRegistrySettings[urls=" + urls + ", autoRegister=" + autoRegister + ", basicAuth="
        + (basicAuthUserInfo == null ? "none" : "(hidden)") + "]";
  }
}
