package dev.costpipe.contracts.avro.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.costpipe.contracts.SecretKeys;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The part of Confluent's Schema Registry REST API costpipe needs (it also works against Apicurio's
 * {@code /apis/ccompat/v6}): register a schema under a subject, look up a schema's id, fetch a schema by id,
 * set the compatibility level. Answers are cached for the client's lifetime (ids never change meaning), so a
 * serde asks the registry once per schema. Thread-safe.
 */
public final class SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final SchemaRegistrySettings settings;
  private final HttpClient http;
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public SchemaRegistryClient(SchemaRegistrySettings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public SchemaRegistrySettings settings() {
    return settings;
  }

  /** Registers {@code schema} under {@code subject} (a no-op answer if it is already there) and returns its id. */
  public int register(String subject, Schema schema) {
    return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).computeIfAbsent(schema, s -> {
      JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(s),
          "register the schema " + s.getFullName() + " under subject '" + subject + "'");
      return cacheId(answer, s);
    });
  }

  /** The id of {@code schema} already registered under {@code subject}; fails when it is not there. */
  public int lookup(String subject, Schema schema) {
    return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).computeIfAbsent(schema, s -> {
      JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(s),
          "look up the schema " + s.getFullName() + " under subject '" + subject + "'");
      return cacheId(answer, s);
    });
  }

  /** The schema with this id (as a writer schema). */
  public Schema byId(int id) {
    return schemasById.computeIfAbsent(id, i -> {
      JsonNode answer = send("GET", "/schemas/ids/" + i, null, "fetch the schema with id " + i);
      String text = answer.path("schema").asText(null);
      if (text == null) {
        throw new SchemaRegistryException("the registry's answer for schema id " + i + " holds no schema", 200, 0, null);
      }
      String type = answer.path("schemaType").asText("AVRO");
      if (!type.equals("AVRO")) {
        throw new SchemaRegistryException("schema id " + i + " is a " + type + " schema, not Avro", 200, 0, null);
      }
      return new Schema.Parser().parse(text);
    });
  }

  /** Sets the compatibility level of one subject, or the registry's default when {@code subject} is null. */
  public void setCompatibility(String subject, String level) {
    String path = subject == null ? "/config" : "/config/" + encode(subject);
    send("PUT", path, MAPPER.createObjectNode().put("compatibility", level).toString(),
        "set compatibility " + level + (subject == null ? " globally" : " of subject '" + subject + "'"));
  }

  private int cacheId(JsonNode answer, Schema schema) {
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new SchemaRegistryException("the registry's answer holds no schema id: " + answer, 200, 0, null);
    }
    schemasById.putIfAbsent(id.intValue(), schema);
    return id.intValue();
  }

  private static String schemaBody(Schema schema) {
    return MAPPER.createObjectNode().put("schema", schema.toString()).toString();
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, String body, String what) {
    IOException unreachable = null;
    for (URI base : settings.urls()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
          .header("Accept", CONTENT_TYPE + ", application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
      }
      if (settings.basicAuthUserInfo() != null) {
        request.header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString(settings.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8)));
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        unreachable = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted while trying to " + what, 0, 0, e);
      }
      return answer(response, base, what);
    }
    throw new SchemaRegistryException("could not " + what + ": schema registry "
        + SecretKeys.withoutUrlCredentials(settings.urls().toString()) + " unreachable (" + unreachable + ")", 0, 0,
        unreachable);
  }

  private static JsonNode answer(HttpResponse<String> response, URI base, String what) {
    JsonNode json;
    try {
      json = MAPPER.readTree(response.body());
    } catch (IOException e) {
      json = null;
    }
    int status = response.statusCode();
    if (status / 100 == 2 && json != null) {
      return json;
    }
    int errorCode = json == null ? 0 : json.path("error_code").asInt(0);
    String message = json == null ? abbreviate(response.body()) : json.path("message").asText(abbreviate(response.body()));
    String why = switch (status) {
      case 409 -> "the schema is incompatible with the subject's earlier versions (compatibility level of the subject"
          + " or registry)";
      case 401, 403 -> "not authorized (check basic.auth.user.info)";
      case 404 -> "not found";
      case 422 -> "the registry refused the schema as invalid";
      default -> "HTTP " + status;
    };
    throw new SchemaRegistryException("could not " + what + " at "
        + SecretKeys.withoutUrlCredentials(base.toString()) + ": " + why + " (HTTP " + status
        + ", error_code " + errorCode + "): " + message, status, errorCode, null);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
