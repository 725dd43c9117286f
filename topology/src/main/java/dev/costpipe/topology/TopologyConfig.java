package dev.costpipe.topology;

import dev.costpipe.topology.serde.OutputFormat;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Everything the topology itself needs to know: topic names (defaults are the README's) and the
 * timing of merge, dedup and windows. Read from {@code costpipe.*} properties; Kafka Streams'
 * own settings pass through untouched elsewhere.
 */
public record TopologyConfig(
    String rawEventsTopic,
    String pricingTopic,
    String alertRulesTopic,
    String costsTopic,
    String aggregatesTopic,
    String alertsTopic,
    String deadLetterTopic,
    Duration inactivityTimeout,
    Duration dedupWindow,
    Duration punctuateInterval,
    int maxEventsPerRequest,
    List<Duration> aggregateWindows,
    Duration aggregateGrace,
    boolean bootstrapCatalogue,
    OutputFormat outputFormat) {

  public static TopologyConfig defaults() {
    return from(new Properties());
  }

  public static TopologyConfig from(Properties p) {
    return new TopologyConfig(
        p.getProperty("costpipe.topic.raw-events", "llm.raw-events"),
        p.getProperty("costpipe.topic.pricing", "llm.pricing"),
        p.getProperty("costpipe.topic.alert-rules", "llm.alert-rules"),
        p.getProperty("costpipe.topic.costs", "llm.costs"),
        p.getProperty("costpipe.topic.cost-aggregates", "llm.cost-aggregates"),
        p.getProperty("costpipe.topic.cost-alerts", "llm.cost-alerts"),
        p.getProperty("costpipe.topic.dead-letter", "llm.raw-events.dlq"),
        duration(p, "costpipe.merge.inactivity-timeout", "PT10M"),
        duration(p, "costpipe.merge.dedup-window", "PT24H"),
        duration(p, "costpipe.merge.punctuate-interval", "PT10S"),
        Integer.parseInt(p.getProperty("costpipe.merge.max-events-per-request", "20000")),
        java.util.Arrays.stream(p.getProperty("costpipe.aggregate.windows", "PT1H,P1D").split(","))
            .map(String::trim).map(TopologyConfig::parse).toList(),
        duration(p, "costpipe.aggregate.grace", "PT10M"),
        Boolean.parseBoolean(p.getProperty("costpipe.pricing.bootstrap-catalogue", "true")),
        OutputFormat.from(p));
  }

  private static Duration duration(Properties p, String key, String dflt) {
    return parse(p.getProperty(key, dflt));
  }

  /** A duration setting: ISO-8601 ({@code PT10M}, {@code P1D}) or short ({@code 10m}, {@code 1h}). */
  public static Duration parse(String s) {
    try {
      return Duration.parse(s.startsWith("P") ? s : "PT" + s.toUpperCase());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a duration: '" + s + "' (ISO-8601 like PT10M or P1D, or 10m, 1h)");
    }
  }
}
