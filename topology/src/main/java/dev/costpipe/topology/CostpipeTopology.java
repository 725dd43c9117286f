package dev.costpipe.topology;

import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.pricing.PricingHolder;
import dev.costpipe.topology.serde.CostpipeSerdes;
import dev.costpipe.topology.steps.AlertMatchStep;
import dev.costpipe.topology.steps.AlertSeedStep;
import dev.costpipe.topology.steps.AlertThresholdStep;
import dev.costpipe.topology.steps.ChunkMergeStep;
import dev.costpipe.topology.steps.CombineStep;
import dev.costpipe.topology.steps.OtlpSpansStep;
import dev.costpipe.topology.steps.GlobalTableMirror;
import dev.costpipe.topology.steps.ParseStep;
import dev.costpipe.topology.steps.ParsedEvent;
import dev.costpipe.topology.steps.PriceStep;
import dev.costpipe.topology.steps.PricedRevision;
import dev.costpipe.topology.steps.RevisedCost;
import dev.costpipe.topology.steps.RevisionStep;
import dev.costpipe.topology.steps.WindowTotalsStep;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The costpipe topology, top to bottom as in the README's diagram:
 *
 * <pre>
 * llm.raw-events → parse &amp; validate ─→ llm.raw-events.dlq
 *                        ↓ (re-keyed by request_id where the producer's key or partition was not)
 *                  merge chunks per request_id      [open-requests, completed-request-ids]
 *                        ↓
 * llm.pricing ⇒    price                            [pricing-entries, global]
 *                        ↓
 *                  llm.costs
 *                        ↓
 *                  pair with the revision replaced  [incomplete-costs]
 *                        ├→ split by dimension, summed per task [aggregate-combiner]
 *                        │      → 1h / 1d windows → llm.cost-aggregates
 *                        │                           ↓ (a rule put mid-window: the totals it missed)
 * llm.alert-rules ⇒      └→ match rules → sum per rule and window → llm.cost-alerts
 * </pre>
 */
public final class CostpipeTopology {
  public static final String PRICING_STORE = "pricing-entries";
  public static final String ALERT_RULES_STORE = "alert-rules";

  private final TopologyConfig config;
  private final PricingHolder pricing;
  private final AlertRulesHolder rules;
  private final PipelineCounters counters;
  private final int rawPartitions;

  /** The topology over a raw-events topic of one partition (as in Kafka Streams' test driver). */
  public CostpipeTopology(TopologyConfig config, PricingHolder pricing, AlertRulesHolder rules,
      PipelineCounters counters) {
    this(config, pricing, rules, counters, 1);
  }

  /** @param rawPartitions the raw-events topic's partition count: which events are on their request's partition */
  public CostpipeTopology(TopologyConfig config, PricingHolder pricing, AlertRulesHolder rules,
      PipelineCounters counters, int rawPartitions) {
    this.config = config;
    this.pricing = pricing;
    this.rules = rules;
    this.counters = counters;
    this.rawPartitions = rawPartitions;
  }

  public Topology build() {
    StreamsBuilder b = new StreamsBuilder();
    mirrorGlobalTables(b);
    KStream<String, ParsedEvent> events = parse(b);
    KStream<String, PricedRevision> priced = mergeAndPrice(events, b);
    KStream<String, CostRecord> costs = priced.mapValues(PricedRevision::cost, Named.as("cost-records"));
    costs.to(config.costsTopic(), Produced.with(Serdes.String(), config.outputFormat().costRecords()).withName("costs"));
    // twice what the merge step keeps events for: that is by stream time, this by wall clock, and a stop or a lag
    // moves the two apart
    Duration revisionsKept = config.dedupWindow().plus(config.inactivityTimeout()).multipliedBy(2);
    b.addStateStore(RevisionStep.store(revisionsKept));
    KStream<String, RevisedCost> revised = priced.processValues(() -> new RevisionStep(revisionsKept, counters),
        Named.as("revisions"),
        RevisionStep.STORE);
    KStream<String, CostTotals> byDimension = aggregate(revised, b);
    alert(revised, byDimension, b);
    return b.build();
  }

  /**
   * Step 1: raw events parsed; rejected ones to the dead-letter topic, the others keyed by their request id and
   * repartitioned unless already on their request id's partition (whatever the producer's key and partitioner).
   */
  private KStream<String, ParsedEvent> parse(StreamsBuilder b) {
    KStream<byte[], byte[]> raw = b
        .stream(config.rawEventsTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-events"));
    if (config.otlpInput().enabled()) {
      raw = raw.merge(otlpUsageEvents(b), Named.as("raw-and-otlp-events"));
    }
    var branches = raw
        .process(() -> new ParseStep(pricing, counters, config.eventTimeMaxFuture(), rawPartitions),
            Named.as(ParseStep.NAME))
        .split(Named.as("parsed-"))
        .branch((k, v) -> v.rejected(), Branched.as("rejected"))
        .branch((k, v) -> v.onRequestIdPartition(), Branched.as("keyed"))
        .defaultBranch(Branched.as("rekey"));
    branches.get("parsed-rejected")
        .mapValues(ParsedEvent::original, Named.as("original-bytes"))
        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letters"));
    return branches.get("parsed-keyed")
        .merge(branches.get("parsed-rekey").repartition(Repartitioned.<String, ParsedEvent>as("events-by-request-id")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.parsedEvent())), Named.as("events-by-request-id-merge"));
  }

  /** Step 0 of the OTLP input: its GenAI spans as usage events for the parse step; undecodable ones dead letters. */
  private KStream<byte[], byte[]> otlpUsageEvents(StreamsBuilder b) {
    var branches = b
        .stream(config.otlpInput().topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("otlp-records"))
        .process(() -> new OtlpSpansStep(config.otlpInput().encoding(), counters), Named.as(OtlpSpansStep.NAME))
        .split(Named.as("otlp-"))
        .branch((k, v) -> v.deadLetter(), Branched.as("rejected"))
        .defaultBranch(Branched.as("events"));
    branches.get("otlp-rejected")
        .mapValues(OtlpSpansStep.Output::bytes, Named.as("otlp-original-bytes"))
        .to(config.deadLetterTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("otlp-dead-letters"));
    return branches.get("otlp-events").mapValues(OtlpSpansStep.Output::bytes, Named.as("otlp-usage-events"));
  }

  /** Steps 2 and 3: each request's events merged once it is complete, then priced. */
  private KStream<String, PricedRevision> mergeAndPrice(KStream<String, ParsedEvent> events, StreamsBuilder b) {
    ChunkMergeStep.stores(config.dedupWindow()).forEach(b::addStateStore);
    return events
        .process(() -> new ChunkMergeStep(config.inactivityTimeout(), config.dedupWindow(),
            config.punctuateInterval(), config.maxEventsPerRequest(), config.usageEventsRevisableByRaw(), counters),
            Named.as("merge"), ChunkMergeStep.OPEN_STORE,
            ChunkMergeStep.COMPLETED_STORE)
        .processValues(() -> new PriceStep(pricing, counters), Named.as("price"));
  }

  /**
   * Step 5: each cost record split by dimension (less the revision it replaces), summed in the task for a while,
   * then summed per window size. Returns the sums by dimension, for the alert rules' seeds (which read the windows'
   * totals).
   */
  private KStream<String, CostTotals> aggregate(KStream<String, RevisedCost> costs, StreamsBuilder b) {
    b.addStateStore(CombineStep.store());
    var byDimension = costs
        .process(() -> new CombineStep(config.aggregateCombineInterval(), config.aggregateWindows()),
            Named.as("split-by-dimension"), CombineStep.STORE)
        .repartition(Repartitioned.<String, CostTotals>as("cost-by-dimension")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.contributionSum()));
    for (Duration size : config.aggregateWindows()) {
      WindowTotalsStep.sum(byDimension, size, config.aggregateGrace(), counters)
          .to(config.aggregatesTopic(), Produced.with(Serdes.String(), config.outputFormat().aggregateUpdates())
              .withName(WindowTotalsStep.name(size) + "-out"));
    }
    return byDimension;
  }

  /**
   * Step 6: each cost record matched against the rules, then summed per rule and window; a rule put mid-window
   * also gets the totals its windows had from the aggregates that hold its spend (added after the aggregates, so
   * that it reads their stores). Both repartition topics are keyed by rule id and have as many partitions as the
   * raw-events topic, so a rule's seeds and spend meet in one task.
   */
  private void alert(KStream<String, RevisedCost> costs, KStream<String, CostTotals> byDimension,
      StreamsBuilder b) {
    b.addStateStore(AlertSeedStep.store());
    b.addStateStore(AlertThresholdStep.store());
    b.addStateStore(AlertThresholdStep.versionsStore());
    KStream<String, AlertContribution> seeds = byDimension
        .process(() -> new AlertSeedStep(rules, config.aggregateWindows()), Named.as("seed-alert-rules"),
            AlertSeedStep.stores(config.aggregateWindows()))
        .repartition(Repartitioned.<String, AlertContribution>as("alert-seeds")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.alertContribution()));
    costs
        .process(() -> new AlertMatchStep(rules), Named.as("match-alert-rules"))
        .repartition(Repartitioned.<String, AlertContribution>as("spend-by-rule")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.alertContribution()))
        .merge(seeds, Named.as("spend-and-seeds"))
        .process(() -> new AlertThresholdStep(rules, config.aggregateWindows(), counters),
            Named.as("alert-thresholds"), AlertThresholdStep.STORE, AlertThresholdStep.VERSIONS_STORE)
        .to(config.alertsTopic(), Produced.with(Serdes.String(), config.outputFormat().firedAlerts())
            .withName("alerts"));
  }

  private void mirrorGlobalTables(StreamsBuilder b) {
    b.addGlobalStore(globalStore(PRICING_STORE), config.pricingTopic(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("pricing"),
        () -> new GlobalTableMirror<>(PRICING_STORE, PricingEntryJson::read, pricing));
    b.addGlobalStore(globalStore(ALERT_RULES_STORE), config.alertRulesTopic(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("alert-rules"),
        () -> new GlobalTableMirror<>(ALERT_RULES_STORE, AlertRule::parse, rules));
  }

  private static StoreBuilder<KeyValueStore<String, byte[]>> globalStore(String name) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled();
  }
}
