package dev.costpipe.sources.envelope;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Properties a sender's credentials add to each of its events (a bearer token's {@code tenant=acme}). They win over
 * what the body says, so one tenant cannot write into another's figures. A usage event carries them in
 * {@code properties}; a raw event, which has no such field, as Helicone {@code Helicone-Property-<Name>} headers.
 */
public final class DefaultProperties {
  private DefaultProperties() {}

  public static void apply(ObjectNode event, Map<String, String> defaults) {
    if (defaults.isEmpty()) {
      return;
    }
    if ("usage".equals(event.path("event_type").asText())) {
      ObjectNode props = event.has("properties") && event.get("properties").isObject()
          ? (ObjectNode) event.get("properties") : event.putObject("properties");
      defaults.forEach(props::put);
    } else {
      ObjectNode headers = event.has("headers") && event.get("headers").isObject()
          ? (ObjectNode) event.get("headers") : event.putObject("headers");
      defaults.forEach((k, v) -> {
        String name = "Helicone-Property-" + k;
        // headers are case-insensitive: a sender's own spelling of the same header must not survive beside it
        headers.properties().removeIf(f -> f.getKey().equalsIgnoreCase(name));
        headers.put(name, v);
      });
    }
  }
}
