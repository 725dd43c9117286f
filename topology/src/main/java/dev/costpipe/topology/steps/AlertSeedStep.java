package dev.costpipe.topology.steps;

import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRule.Metric;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.alert.RuleChanges;
import dev.costpipe.topology.alert.RuleVersion;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedWindowStore;

/**
 * Step 6c, beside the windowed aggregates (whose stores it reads): when a rule is put (or its basis changes) and an
 * aggregate holds exactly its spend ({@link #seeded}; for a rule with {@code per}, one aggregate per key), sends the
 * running totals of that aggregate's windows still open for alerts to the rule's threshold step, so that a rule
 * put mid-window counts the spend already there. Each task sends the totals of the keys it holds, once per rule
 * version (remembered in its store); it looks when the rules change, on its next contribution or within a second. Looking on a contribution, it takes the totals
 * before that one: the contributions of requests priced after the rule arrived come to the threshold step through
 * the match step already, and in the pipeline's order the first contribution after a rule change is such a one.
 * Under load, the contributions in flight between the two steps when a rule arrives (about one commit interval
 * of traffic, plus the combine interval: a sum sent after the rule came may hold requests priced before) may be
 * missed.
 */
public final class AlertSeedStep implements Processor<String, CostTotals, String, AlertContribution> {
  public static final String STORE = "alert-rule-seeds";
  private static final Duration LOOK_EVERY = Duration.ofSeconds(1);

  private final AlertRulesHolder rules;
  private final List<Duration> aggregateWindows;
  private final Map<Duration, TimestampedWindowStore<String, CostTotals>> aggregates = new HashMap<>();
  private ProcessorContext<String, AlertContribution> context;
  private RuleChanges changes;

  public AlertSeedStep(AlertRulesHolder rules, List<Duration> aggregateWindows) {
    this.rules = rules;
    this.aggregateWindows = aggregateWindows;
  }

  public static StoreBuilder<KeyValueStore<String, RuleVersion>> store() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
        CostpipeSerdes.ruleVersion()).withLoggingEnabled(StateChangelogs.BY_APPEND_TIME);
  }

  /** The stores the step reads and writes: its own and the aggregates'. */
  public static String[] stores(List<Duration> aggregateWindows) {
    return Stream.concat(Stream.of(STORE),
        aggregateWindows.stream().map(WindowTotalsStep::name)).toArray(String[]::new);
  }

  /**
   * Whether aggregates hold exactly {@code rule}'s spend per window: its filter names at most one user, provider
   * or property ({@link AlertRule#aggregateKey}), or it has {@code per} and no filter ({@link
   * AlertRule#perAggregates}); and the aggregates are kept for windows of its size, cut as its own (1h, 1d and
   * 30d; a 7d window starts on Monday).
   */
  public static boolean seeded(AlertRule rule, List<Duration> aggregateWindows) {
    return rule.window().epochAligned() && aggregateWindows.contains(rule.window().length())
        && (rule.aggregateKey() != null || rule.perAggregates());
  }

  @Override
  public void init(ProcessorContext<String, AlertContribution> context) {
    this.context = context;
    for (Duration size : aggregateWindows) {
      aggregates.put(size, context.getStateStore(WindowTotalsStep.name(size)));
    }
    changes = new RuleChanges(rules, context.getStateStore(STORE));
    context.schedule(LOOK_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> seedNewRules(null));
  }

  @Override
  public void process(Record<String, CostTotals> record) {
    seedNewRules(record);
  }

  /** What a sum of contributions added to an aggregate in {@code metric}'s unit. */
  private static long added(Metric metric, CostTotals sum) {
    return metric == Metric.COST ? sum.costNanoUsd() : sum.requests();
  }

  /** @param current the contribution being processed, already in the aggregates; null on a punctuation */
  private void seedNewRules(Record<String, CostTotals> current) {
    for (AlertRule rule : changes.look(context.currentSystemTimeMs()).added()) {
      long streamTime = context.currentStreamTimeMs();
      if (!seeded(rule, aggregateWindows) || streamTime < 0) {
        continue;
      }
      long length = rule.window().length().toMillis();
      // the windows the threshold step still keeps: ended less than their length before stream time
      var store = aggregates.get(rule.window().length());
      if (rule.per() == null) {
        try (var it = store.fetch(rule.aggregateKey(), streamTime - 2 * length, streamTime)) {
          it.forEachRemaining(kv -> seed(rule, null, rule.aggregateKey(), kv.key, kv.value.value(), current));
        }
      } else {
        String prefix = rule.per().aggregateKeyPrefix();
        try (var it = store.fetchAll(Instant.ofEpochMilli(streamTime - 2 * length),
            Instant.ofEpochMilli(streamTime))) {
          it.forEachRemaining(kv -> {
            String key = kv.key.key();
            if (key.startsWith(prefix)) {
              seed(rule, rule.per().valueOfAggregateKey(key), key, kv.key.window().start(), kv.value.value(),
                  current);
            }
          });
        }
      }
    }
  }

  /** Sends {@code totals} (of {@code aggregateKey}'s window from {@code windowStartMs}) as the rule's seed. */
  private void seed(AlertRule rule, String perValue, String aggregateKey, long windowStartMs, CostTotals totals,
      Record<String, CostTotals> current) {
    long amount = rule.metric() == Metric.COST ? totals.costNanoUsd() : totals.requests();
    if (current != null && current.key().equals(aggregateKey)
        && rule.window().startOf(Instant.ofEpochMilli(current.timestamp())).toEpochMilli() == windowStartMs) {
      amount -= added(rule.metric(), current.value());
    }
    if (amount != 0) {
      AlertContribution seed = AlertContribution.seed(rule.id(), perValue, rule.basis(), amount, windowStartMs);
      context.forward(new Record<>(seed.key(), seed, Math.max(context.currentStreamTimeMs(), windowStartMs)));
    }
  }
}
