package dev.costpipe.topology.steps;

import dev.costpipe.topology.LateContributions;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.alert.AlertWindowState;
import dev.costpipe.topology.alert.FiredAlert;
import dev.costpipe.topology.alert.RuleChanges;
import dev.costpipe.topology.alert.RuleVersion;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Step 6b: sums each rule's spend per window (and per key, for a rule with {@code per}) and fires one alert per
 * window and level, the first time the spend reaches it. A deleted rule's contributions are ignored and its
 * windows forgotten; a rule put again with a new basis (metric, window, filter, per) starts its windows again. A rule put mid-window starts from the spend the
 * window already had when an aggregate holds it (a seed from {@link AlertSeedStep}); else that window's state and
 * alerts say since when the rule counts ({@code partial_since}). Windows ended a window's length before stream
 * time are dropped from the store, and a contribution to such a window is counted and dropped too (it would start
 * the window again from zero and fire its levels a second time).
 */
public final class AlertThresholdStep implements Processor<String, AlertContribution, String, FiredAlert> {
  public static final String STORE = "alert-windows";
  /** Per rule: the basis its windows are counted by and since when (the rule's put time when it came mid-run). */
  public static final String VERSIONS_STORE = "alert-rule-versions";
  private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);
  private static final Duration LOOK_EVERY = Duration.ofSeconds(1);
  private static final char SEP = '\u001f';

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlertThresholdStep.class);

  private final AlertRulesHolder rules;
  private final List<Duration> aggregateWindows;
  private final PipelineCounters counters;
  private final LateContributions late;
  private ProcessorContext<String, FiredAlert> context;
  private KeyValueStore<String, AlertWindowState> windows;
  private RuleChanges changes;

  /** @param aggregateWindows the aggregates' window sizes: which rules are seeded rather than partial */
  public AlertThresholdStep(AlertRulesHolder rules, List<Duration> aggregateWindows, PipelineCounters counters) {
    this.rules = rules;
    this.aggregateWindows = aggregateWindows;
    this.counters = counters;
    this.late = new LateContributions(STORE, counters);
  }

  /**
   * Cached: a window's state is put once per contribution (a rule for every user's requests: every request), and
   * the record cache sends only its last state of each commit to the store and the changelog. Interactive queries
   * read through the cache, so budgets see every contribution processed, as before.
   */
  public static StoreBuilder<KeyValueStore<String, AlertWindowState>> store() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
        CostpipeSerdes.alertWindowState()).withCachingEnabled().withLoggingEnabled(StateChangelogs.BY_APPEND_TIME);
  }

  public static StoreBuilder<KeyValueStore<String, RuleVersion>> versionsStore() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERSIONS_STORE), Serdes.String(),
        CostpipeSerdes.ruleVersion()).withLoggingEnabled(StateChangelogs.BY_APPEND_TIME);
  }

  @Override
  public void init(ProcessorContext<String, FiredAlert> context) {
    this.context = context;
    this.windows = context.getStateStore(STORE);
    this.changes = new RuleChanges(rules, context.getStateStore(VERSIONS_STORE));
    context.schedule(CLEANUP_EVERY, PunctuationType.STREAM_TIME, this::dropEndedWindows);
    // a rule put while no spend comes is still dated by when it was put
    context.schedule(LOOK_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> lookAtRules());
  }

  @Override
  public void process(Record<String, AlertContribution> record) {
    lookAtRules();
    AlertContribution c = record.value();
    AlertRule rule = rules.get(c.ruleId());
    if (rule == null || c.isSeed() && !c.seedBasis().equals(rule.basis())) {
      return;
    }
    Instant at = Instant.ofEpochMilli(c.timestampMs());
    Instant start = rule.window().startOf(at);
    Instant end = start.plus(rule.window().length());
    if ((rule.per() == null) != (c.perValue() == null)) {
      return; // counted before the rule gained or lost its per: its windows start again
    }
    String key = rule.id() + SEP + rule.window().wire() + SEP + start.toEpochMilli()
        + (c.perValue() == null ? "" : SEP + c.perValue());
    long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
    if (ended(start.toEpochMilli(), end.toEpochMilli(), streamTime)) {
      if (!c.isSeed()) {
        late.dropped(key, start.toEpochMilli(), streamTime);
      }
      return;
    }
    AlertWindowState state = windows.get(key);
    if (state == null) {
      state = AlertWindowState.empty(start.toEpochMilli(), end.toEpochMilli(), partialSince(rule, start));
    } else if (c.isSeed() && state.seeded()) {
      return;
    }
    long spent = state.spent() + c.amount();
    // a seed is the spend found when the rule was put: its levels are crossed as of then
    Instant crossedAt = c.isSeed() ? Instant.ofEpochMilli(record.timestamp()) : at;
    Instant partialSince = state.partialSinceMs() == null ? null : Instant.ofEpochMilli(state.partialSinceMs());
    List<Integer> fired = new ArrayList<>(state.fired());
    for (int level : rule.levels()) {
      if (!fired.contains(level) && reached(spent, rule.budget(), level)) {
        fired.add(level);
        counters.increment("alerts.fired");
        LOG.info("alert {}{} crossed {}% in window {}: spent {} of {} ({})", rule.id(),
            c.perValue() == null ? "" : " for " + c.perValue(), level, start, spent, rule.budget(),
            c.isSeed() ? "spend before the rule was put" : "request " + c.requestId());
        context.forward(new Record<>(rule.id(), FiredAlert.of(rule, c.perValue(), level, spent, start, end,
            crossedAt, c.requestId(), partialSince), record.timestamp()));
      }
    }
    windows.put(key, new AlertWindowState(start.toEpochMilli(), end.toEpochMilli(), spent, fired,
        state.seeded() || c.isSeed(), state.partialSinceMs()));
  }

  /**
   * Since when a window starting at {@code start} counts {@code rule}'s spend, when that is after its start and no
   * seed will bring the spend before: the time the rule (this basis of it) was put; else null.
   */
  private Long partialSince(AlertRule rule, Instant start) {
    long since = changes.since(rule);
    return since > start.toEpochMilli() && !AlertSeedStep.seeded(rule, aggregateWindows) ? since : null;
  }

  /** Takes in rule changes: the windows of a deleted rule, or of one counted by a new basis now, are forgotten. */
  private void lookAtRules() {
    RuleChanges.Changes changed = changes.look(context.currentSystemTimeMs());
    changed.deleted().forEach(this::forget);
    changed.added().forEach(r -> forget(r.id()));
  }

  private void forget(String ruleId) {
    List<String> keys = new ArrayList<>();
    try (var it = windows.prefixScan(ruleId + SEP, new StringSerializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(windows::delete);
  }

  /** spent / budget ≥ level %, in exact integers. */
  private static boolean reached(long spent, long budget, int level) {
    return BigInteger.valueOf(spent).multiply(BigInteger.valueOf(100))
        .compareTo(BigInteger.valueOf(budget).multiply(BigInteger.valueOf(level))) >= 0;
  }

  /** Whether the store no longer keeps a window: it ended more than its length before stream time. */
  private static boolean ended(long startMs, long endMs, long streamTime) {
    return endMs + (endMs - startMs) < streamTime;
  }

  private void dropEndedWindows(long streamTime) {
    List<String> ended = new ArrayList<>();
    try (var it = windows.all()) {
      it.forEachRemaining(kv -> {
        if (ended(kv.value.windowStartMs(), kv.value.windowEndMs(), streamTime)) {
          ended.add(kv.key);
        }
      });
    }
    ended.forEach(windows::delete);
  }
}
