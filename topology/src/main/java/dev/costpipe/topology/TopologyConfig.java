package dev.costpipe.topology;

import static dev.costpipe.contracts.settings.CostpipeSettings.AGGREGATE_COMBINE_INTERVAL;
import static dev.costpipe.contracts.settings.CostpipeSettings.AGGREGATE_GRACE;
import static dev.costpipe.contracts.settings.CostpipeSettings.AGGREGATE_WINDOWS;
import static dev.costpipe.contracts.settings.CostpipeSettings.EVENT_TIME_MAX_FUTURE;
import static dev.costpipe.contracts.settings.CostpipeSettings.MERGE_DEDUP_WINDOW;
import static dev.costpipe.contracts.settings.CostpipeSettings.MERGE_INACTIVITY_TIMEOUT;
import static dev.costpipe.contracts.settings.CostpipeSettings.MERGE_MAX_EVENTS_PER_REQUEST;
import static dev.costpipe.contracts.settings.CostpipeSettings.MERGE_PUNCTUATE_INTERVAL;
import static dev.costpipe.contracts.settings.CostpipeSettings.MERGE_USAGE_EVENTS_REVISABLE_BY_RAW;
import static dev.costpipe.contracts.settings.CostpipeSettings.PRICING_BOOTSTRAP_CATALOGUE;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_ALERT_RULES;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_COSTS;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_COST_AGGREGATES;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_COST_ALERTS;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_DEAD_LETTER;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_PRICING;
import static dev.costpipe.contracts.settings.CostpipeSettings.TOPIC_RAW_EVENTS;

import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.topology.serde.OutputFormat;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Everything the topology itself needs to know: topic names (the OTLP input's, if any), how far ahead of its
 * ingestion an event may be timestamped, and the timing of merge, dedup and windows. Read
 * from {@code costpipe.*} properties through their declarations ({@link CostpipeSettings}: keys, types,
 * defaults); Kafka Streams' own settings pass through untouched elsewhere.
 */
public record TopologyConfig(
    String rawEventsTopic,
    String pricingTopic,
    String alertRulesTopic,
    String costsTopic,
    String aggregatesTopic,
    String alertsTopic,
    String deadLetterTopic,
    Duration eventTimeMaxFuture,
    Duration inactivityTimeout,
    Duration dedupWindow,
    Duration punctuateInterval,
    int maxEventsPerRequest,
    boolean usageEventsRevisableByRaw,
    List<Duration> aggregateWindows,
    Duration aggregateGrace,
    Duration aggregateCombineInterval,
    boolean bootstrapCatalogue,
    OutputFormat outputFormat,
    OtlpInput otlpInput) {

  public static TopologyConfig defaults() {
    return from(new Properties());
  }

  /** The values {@code p} gives, the declared defaults for the others. */
  public static TopologyConfig from(Properties p) {
    return new TopologyConfig(
        TOPIC_RAW_EVENTS.read(p),
        TOPIC_PRICING.read(p),
        TOPIC_ALERT_RULES.read(p),
        TOPIC_COSTS.read(p),
        TOPIC_COST_AGGREGATES.read(p),
        TOPIC_COST_ALERTS.read(p),
        TOPIC_DEAD_LETTER.read(p),
        EVENT_TIME_MAX_FUTURE.read(p),
        MERGE_INACTIVITY_TIMEOUT.read(p),
        MERGE_DEDUP_WINDOW.read(p),
        MERGE_PUNCTUATE_INTERVAL.read(p),
        MERGE_MAX_EVENTS_PER_REQUEST.read(p),
        MERGE_USAGE_EVENTS_REVISABLE_BY_RAW.read(p),
        AGGREGATE_WINDOWS.read(p),
        AGGREGATE_GRACE.read(p),
        AGGREGATE_COMBINE_INTERVAL.read(p),
        PRICING_BOOTSTRAP_CATALOGUE.read(p),
        OutputFormat.from(p),
        OtlpInput.from(p));
  }
}
