package dev.costpipe.contracts.avro.registry;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The one place that tells a schema registry outage from bad data, for every reader and writer of Avro values
 * (the sink, the notifier, the serializers). A failure is <em>transient</em> — wait and try the same record
 * again, never dead-letter it — when its cause chain holds:
 * <ul>
 *   <li>a registry answer whose status is about the registry, not the schema: none (unreachable), 401/403
 *       (credentials being rotated), 408, 429 (rate limited) or 5xx — from costpipe's own client
 *       ({@link SchemaRegistryException}) or Confluent's ({@code RestClientException}, read by its
 *       {@code getStatus()}, as Confluent's deserializer wraps it in a {@code SerializationException});</li>
 *   <li>a network failure: an {@link IOException} of {@code java.net}, {@code java.net.http} or
 *       {@code javax.net.ssl} (refused, timed out, unknown host, reset).</li>
 * </ul>
 * Everything else (a schema id the registry does not know, a value that does not decode) is the record's fault.
 * The first registry answer in the chain decides.
 */
public final class RegistryFailures {
  private RegistryFailures() {}

  /** Whether {@code failure} says the registry is unavailable for now (see the class comment). */
  public static boolean isTransient(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException r) {
        return isTransientStatus(r.status());
      }
      Integer restStatus = restClientStatus(t);
      if (restStatus != null) {
        return isTransientStatus(restStatus);
      }
      if (t instanceof IOException && isNetworkPackage(t.getClass().getName())) {
        return true;
      }
    }
    return false;
  }

  /** No answer (0), unauthorized or forbidden, request timeout, rate limited, or a server error. */
  static boolean isTransientStatus(int status) {
    return status == 0 || status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
  }

  private static boolean isNetworkPackage(String className) {
    return className.startsWith("java.net.") || className.startsWith("javax.net.ssl.");
  }

  /** The HTTP status of a Confluent {@code RestClientException} (by name: Confluent is not a dependency). */
  private static Integer restClientStatus(Throwable t) {
    if (!t.getClass().getSimpleName().equals("RestClientException")) {
      return null;
    }
    try {
      Method status = t.getClass().getMethod("getStatus");
      return status.invoke(t) instanceof Integer i ? i : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
