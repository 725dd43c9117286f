package dev.costpipe.engine.usage;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vertex AI's endpoint kind for Claude, from the request URL ({@code …/locations/<location>/publishers/anthropic/…}).
 * For Claude Sonnet 4.5 and later models, regional and multi-region endpoints ({@code us-east5}, {@code us},
 * {@code eu}) cost 10% more than the global one (Anthropic, "Claude on Vertex AI", global vs regional
 * endpoints: https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai, read 2026-12-06).
 * The region is in the URL, not the body, so it becomes the usage's inference region {@value #REGIONAL}:
 * priced by a period's {@code geo_regional} mode, and flagged as unpriced usage where an entry has none.
 */
public final class VertexEndpoints {
  /** The inference region of a Claude call on a Vertex regional or multi-region endpoint. */
  public static final String REGIONAL = "regional";
  private static final Pattern CLAUDE_LOCATION =
      Pattern.compile("/locations/([^/]+)/publishers/anthropic/", Pattern.CASE_INSENSITIVE);

  private VertexEndpoints() {}

  /** {@value #REGIONAL} for a Claude call on Vertex outside the global endpoint, else "". */
  public static String claudeInferenceGeo(String provider, String targetUrl) {
    if (!"vertex".equals(provider) || targetUrl == null) {
      return "";
    }
    Matcher m = CLAUDE_LOCATION.matcher(targetUrl);
    return m.find() && !m.group(1).toLowerCase(Locale.ROOT).equals("global") ? REGIONAL : "";
  }
}
