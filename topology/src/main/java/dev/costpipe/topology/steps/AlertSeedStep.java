package dev.costpipe.topology.steps;

import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.aggregate.CostContribution;
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
 * aggregate holds exactly its spend ({@link #aggregateKey}), sends the running totals of that aggregate's windows
 * still open for alerts to the rule's threshold step, so that a rule put mid-window counts the spend already there.
 * Each task sends the totals of the keys it holds, once per rule version (remembered in its store); it looks when
 * the rules change, on its next contribution or within a second. Looking on a contribution, it takes the totals
 * before that one: the contributions of requests priced after the rule arrived come to the threshold step through
 * the match step already, and in the pipeline's order the first contribution after a rule change is such a one.
 * Under load, the contributions in flight between the two steps when a rule arrives (about one commit interval
 * of traffic) may be missed.
 */
public final class AlertSeedStep implements Processor<String, CostContribution, String, AlertContribution> {
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
   * The key of the aggregate that holds exactly {@code rule}'s spend per window, or null when there is none: the
   * rule's filter names at most one user, provider or property ({@link AlertRule#aggregateKey}) and the aggregates
   * are kept for windows of its size, cut as its own (1h, 1d and 30d; a 7d window starts on Monday).
   */
  public static String aggregateKey(AlertRule rule, List<Duration> aggregateWindows) {
    return rule.window().epochAligned() && aggregateWindows.contains(rule.window().length())
        ? rule.aggregateKey() : null;
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
  public void process(Record<String, CostContribution> record) {
    seedNewRules(record);
  }

  /** @param current the contribution being processed, already in the aggregates; null on a punctuation */
  /** What a contribution added to an aggregate in {@code metric}'s unit. */
  private static long added(Metric metric, CostContribution c) {
    return (c.retraction() ? -1 : 1) * (metric == Metric.COST ? c.costNanoUsd() : 1);
  }

  private void seedNewRules(Record<String, CostContribution> current) {
    for (AlertRule rule : changes.look(context.currentSystemTimeMs()).added()) {
      String key = aggregateKey(rule, aggregateWindows);
      long streamTime = context.currentStreamTimeMs();
      if (key == null || streamTime < 0) {
        continue;
      }
      long length = rule.window().length().toMillis();
      // the windows the threshold step still keeps: ended less than their length before stream time
      try (var it = aggregates.get(rule.window().length()).fetch(key, streamTime - 2 * length, streamTime)) {
        it.forEachRemaining(kv -> {
          CostTotals totals = kv.value.value();
          long amount = rule.metric() == Metric.COST ? totals.costNanoUsd() : totals.requests();
          if (current != null && current.key().equals(key) && rule.window().startOf(
              Instant.ofEpochMilli(current.timestamp())).toEpochMilli() == kv.key) {
            amount -= added(rule.metric(), current.value());
          }
          if (amount != 0) {
            context.forward(new Record<>(rule.id(), AlertContribution.seed(rule.id(), rule.basis(), amount, kv.key),
                Math.max(streamTime, kv.key)));
          }
        });
      }
    }
  }
}
