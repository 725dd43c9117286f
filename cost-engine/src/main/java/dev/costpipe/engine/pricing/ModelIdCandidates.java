package dev.costpipe.engine.pricing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The ids a called model name may be listed under, most specific first: the name as called, then
 * with provider decorations removed (Gemini's {@code models/}, Bedrock's region and vendor prefixes
 * and {@code -v1:0} versions, Vertex's {@code @date}), then without a date snapshot suffix. A bounded,
 * small list, so resolution stays a constant number of hash lookups.
 */
final class ModelIdCandidates {
  private static final Pattern BEDROCK_REGION = Pattern.compile("^(us|eu|apac|global|us-gov|jp|au|ca)\\.");
  private static final Pattern BEDROCK_VENDOR =
      Pattern.compile("^(anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|twelvelabs)\\.");
  private static final Pattern BEDROCK_VERSION = Pattern.compile("-v\\d+(:\\d+)?$");
  private static final Pattern BEDROCK_VERSION_WITH_REVISION = Pattern.compile("-v\\d+:\\d+$");
  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|\\d{4})$");
  private static final Pattern DIGIT_DOT_DIGIT = Pattern.compile("(\\d)\\.(\\d)");

  private ModelIdCandidates() {}

  static List<String> of(String called) {
    List<String> out = new ArrayList<>(6);
    String id = called.trim().toLowerCase(Locale.ROOT);
    add(out, id);
    if (id.startsWith("models/")) {
      id = id.substring("models/".length());
      add(out, id);
    }
    int at = id.indexOf('@');
    if (at > 0) {
      add(out, id.replace('@', '-'));
      id = id.substring(0, at);
      add(out, id);
    }
    String noRegion = BEDROCK_REGION.matcher(id).replaceFirst("");
    String noVendor = BEDROCK_VENDOR.matcher(noRegion).replaceFirst("");
    // a version suffix is Bedrock's only on a Bedrock-shaped id: "deepseek-coder-v9" is another model
    boolean bedrockShaped = !noVendor.equals(noRegion) || BEDROCK_VERSION_WITH_REVISION.matcher(id).find();
    String bedrock = bedrockShaped ? BEDROCK_VERSION.matcher(noVendor).replaceFirst("") : noVendor;
    if (!bedrock.equals(id)) {
      id = bedrock;
      add(out, id);
    }
    String undated = DATE_SUFFIX.matcher(id).replaceFirst("");
    if (!undated.equals(id) && !undated.isEmpty()) {
      add(out, undated);
    }
    String dashed = DIGIT_DOT_DIGIT.matcher(id).replaceAll("$1-$2");
    if (!dashed.equals(id)) {
      add(out, dashed);
      add(out, DATE_SUFFIX.matcher(dashed).replaceFirst(""));
    }
    return out;
  }

  private static void add(List<String> out, String id) {
    if (!id.isEmpty() && !out.contains(id)) {
      out.add(id);
    }
  }
}
