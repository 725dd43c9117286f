package dev.costpipe.engine.usage;

import java.util.Locale;
import java.util.Set;

/** Provider service-tier names in the one spelling {@link Usage#serviceTier()} uses. */
public final class ServiceTiers {
  /** Names providers use for the ordinary, list-price tier. */
  private static final Set<String> STANDARD = Set.of("", "default", "auto", "standard", "standard_only",
      "on_demand", "payg");

  private ServiceTiers() {}

  /** "" for the standard tier (or none reported), else the tier in lower case. */
  public static String normalize(String reported) {
    if (reported == null) {
      return "";
    }
    String tier = reported.strip().toLowerCase(Locale.ROOT);
    return STANDARD.contains(tier) ? "" : tier;
  }

  /** Whether a call's URL is a Batch API's (OpenAI /v1/batches, Anthropic Message Batches, Bedrock batch jobs). */
  public static boolean isBatchUrl(String targetUrl) {
    return targetUrl != null && (targetUrl.contains("/batches") || targetUrl.contains("/model-invocation-job"));
  }
}
