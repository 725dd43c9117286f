package dev.costpipe.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identifies provider, model and deployment of a call from what the producer sent: the envelope's
 * {@code provider}, a {@code model/provider[/deployment]} model string, the request body's model,
 * the target URL (provider by pattern; Gemini/Vertex/Bedrock carry the model and region in the path).
 */
public final class ModelIdentifier {
  // the id ends at a method (Gemini's ":generateContent", Vertex's ":rawPredict": a colon and a letter) or
  // at Bedrock's "/converse", "/invoke…"; Bedrock ids keep their version colon ("amazon.nova-lite-v1:0"),
  // written as is or percent-encoded as the AWS SDKs send it
  private static final Pattern URL_MODEL =
      Pattern.compile("/models?/([^/?]+?)(?::[A-Za-z]|/(?:converse|invoke)|\\?|$)");
  private static final Pattern BEDROCK_REGION = Pattern.compile("bedrock-runtime\\.([a-z0-9-]+)\\.amazonaws\\.com");
  private static final Pattern VERTEX_LOCATION = Pattern.compile("aiplatform\\.googleapis\\.com/.*/locations/([a-z0-9-]+)/");

  private final ProviderDetector detector;
  private final Set<String> providerIds;

  public ModelIdentifier(ProviderDetector detector, Set<String> providerIds) {
    this.detector = detector;
    this.providerIds = Set.copyOf(providerIds);
  }

  /** The call as the caller made it; the model is null when neither envelope, body nor URL names it. */
  public ModelRef identify(String provider, String model, String targetUrl, JsonNode requestBody) {
    String deployment = null;
    String called = model;
    if (called == null && requestBody != null && requestBody.path("model").isTextual()) {
      called = requestBody.path("model").textValue();
    }
    if (called != null) {
      // model/provider[/deployment]; longer paths are provider ids (accounts/fireworks/models/…)
      String[] parts = called.split("/", -1);
      if (parts.length >= 2 && parts.length <= 3 && providerIds.contains(parts[1])) {
        called = parts[0];
        provider = provider != null ? provider : parts[1];
        deployment = parts.length == 3 ? parts[2] : null;
      }
    }
    if (provider == null) {
      provider = detector.detect(targetUrl).orElse(null);
    }
    if (targetUrl != null) {
      if (called == null) {
        Matcher m = URL_MODEL.matcher(targetUrl);
        if (m.find()) {
          called = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        }
      }
      if (deployment == null) {
        deployment = group(BEDROCK_REGION, targetUrl);
      }
      if (deployment == null) {
        deployment = group(VERTEX_LOCATION, targetUrl);
      }
    }
    return new ModelRef(provider, called, deployment);
  }

  private static String group(Pattern p, String s) {
    Matcher m = p.matcher(s);
    return m.find() ? m.group(1) : null;
  }
}
