package dev.costpipe.topology;

import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.aggregate.CostContribution;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.aggregate.DimensionSplit;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.pricing.PricingHolder;
import dev.costpipe.topology.serde.CostpipeSerdes;
import dev.costpipe.topology.steps.AlertMatchStep;
import dev.costpipe.topology.steps.AlertThresholdStep;
import dev.costpipe.topology.steps.ChunkMergeStep;
import dev.costpipe.topology.steps.GlobalTableMirror;
import dev.costpipe.topology.steps.ParseStep;
import dev.costpipe.topology.steps.ParsedEvent;
import dev.costpipe.topology.steps.PriceStep;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The costpipe topology, top to bottom as in the README's diagram:
 *
 * <pre>
 * llm.raw-events → parse &amp; validate ─→ llm.raw-events.dlq
 *                        ↓ (re-keyed by request_id where the producer's key was not)
 *                  merge chunks per request_id      [open-requests, completed-request-ids]
 *                        ↓
 * llm.pricing ⇒    price                            [pricing-entries, global]
 *                        ↓
 *                  llm.costs
 *                        ├→ split by dimension → 1h / 1d windows → llm.cost-aggregates
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

  public CostpipeTopology(TopologyConfig config, PricingHolder pricing, AlertRulesHolder rules,
      PipelineCounters counters) {
    this.config = config;
    this.pricing = pricing;
    this.rules = rules;
    this.counters = counters;
  }

  public Topology build() {
    StreamsBuilder b = new StreamsBuilder();
    mirrorGlobalTables(b);

    KStream<String, ParsedEvent> parsed = b
        .stream(config.rawEventsTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-events"))
        .process(() -> new ParseStep(pricing, counters), Named.as(ParseStep.NAME));

    var branches = parsed.split(Named.as("parsed-"))
        .branch((k, v) -> v.rejected(), Branched.as("rejected"))
        .branch((k, v) -> v.keyIsRequestId(), Branched.as("keyed"))
        .defaultBranch(Branched.as("rekey"));
    branches.get("parsed-rejected")
        .mapValues(ParsedEvent::original, Named.as("original-bytes"))
        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letters"));
    var events = branches.get("parsed-keyed")
        .merge(branches.get("parsed-rekey").repartition(Repartitioned.<String, ParsedEvent>as("events-by-request-id")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.parsedEvent())), Named.as("events-by-request-id-merge"));

    ChunkMergeStep.stores(config.dedupWindow()).forEach(b::addStateStore);
    KStream<String, CostRecord> costs = events
        .process(() -> new ChunkMergeStep(config.inactivityTimeout(), config.dedupWindow(),
            config.punctuateInterval(), config.maxEventsPerRequest(), counters), Named.as("merge"), ChunkMergeStep.OPEN_STORE,
            ChunkMergeStep.COMPLETED_STORE)
        .processValues(() -> new PriceStep(pricing, counters), Named.as("price"));

    costs.to(config.costsTopic(), Produced.with(Serdes.String(), config.outputFormat().costRecords()).withName("costs"));

    aggregate(costs);
    alert(costs, b);
    return b.build();
  }

  private void aggregate(KStream<String, CostRecord> costs) {
    var byDimension = costs
        .flatMap((id, r) -> DimensionSplit.of(r), Named.as("split-by-dimension"))
        .repartition(Repartitioned.<String, CostContribution>as("cost-by-dimension")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.costContribution()));
    for (Duration size : config.aggregateWindows()) {
      String name = "aggregates-" + label(size);
      byDimension
          .groupByKey(Grouped.<String, CostContribution>as(name + "-grouped")
              .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.costContribution()))
          .windowedBy(TimeWindows.ofSizeAndGrace(size, config.aggregateGrace()))
          .aggregate(CostTotals::new, (k, c, totals) -> totals.add(c), Named.as(name),
              Materialized.<String, CostTotals, WindowStore<Bytes, byte[]>>as(name)
                  .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.costTotals()))
          .toStream(Named.as(name + "-updates"))
          .map((w, totals) -> aggregateRecord(w, totals, size), Named.as(name + "-records"))
          .to(config.aggregatesTopic(), Produced.with(Serdes.String(), config.outputFormat().aggregates())
              .withName(name + "-out"));
    }
  }

  private void alert(KStream<String, CostRecord> costs, StreamsBuilder b) {
    b.addStateStore(AlertThresholdStep.store());
    costs
        .process(() -> new AlertMatchStep(rules), Named.as("match-alert-rules"))
        .repartition(Repartitioned.<String, AlertContribution>as("spend-by-rule")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.alertContribution()))
        .process(() -> new AlertThresholdStep(rules, counters), Named.as("alert-thresholds"), AlertThresholdStep.STORE)
        .to(config.alertsTopic(), Produced.with(Serdes.String(), config.outputFormat().alerts()).withName("alerts"));
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

  private static KeyValue<String, String> aggregateRecord(Windowed<String> w, CostTotals totals, Duration size) {
    var o = totals.toTree();
    o.put("window", label(size));
    o.put("window_start", w.window().startTime().toString());
    o.put("window_end", w.window().endTime().toString());
    String key = o.path("dimension").asText() + "/" + o.path("dimension_value").asText() + "/" + label(size) + "/"
        + w.window().startTime();
    return KeyValue.pair(key, o.toString());
  }

  /** 1h, 1d, 15m: how a window size is named in store names and records. */
  static String label(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + "h";
    }
    if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }

}
