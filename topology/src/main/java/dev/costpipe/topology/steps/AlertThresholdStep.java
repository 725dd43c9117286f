package dev.costpipe.topology.steps;

import dev.costpipe.topology.LateContributions;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.alert.AlertWindowState;
import dev.costpipe.topology.alert.FiredAlert;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Step 6b: sums each rule's spend per window and fires one alert per window and level, the first time the
 * spend reaches it. A deleted rule's contributions are ignored; windows ended a window's length before stream
 * time are dropped from the store, and a contribution to such a window is counted and dropped too (it would
 * start the window again from zero and fire its levels a second time).
 */
public final class AlertThresholdStep implements Processor<String, AlertContribution, String, FiredAlert> {
  public static final String STORE = "alert-windows";
  private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlertThresholdStep.class);

  private final AlertRulesHolder rules;
  private final PipelineCounters counters;
  private final LateContributions late;
  private ProcessorContext<String, FiredAlert> context;
  private KeyValueStore<String, AlertWindowState> windows;

  public AlertThresholdStep(AlertRulesHolder rules, PipelineCounters counters) {
    this.rules = rules;
    this.counters = counters;
    this.late = new LateContributions(STORE, counters);
  }

  public static StoreBuilder<KeyValueStore<String, AlertWindowState>> store() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
        CostpipeSerdes.alertWindowState()).withLoggingEnabled(StateChangelogs.BY_APPEND_TIME);
  }

  @Override
  public void init(ProcessorContext<String, FiredAlert> context) {
    this.context = context;
    this.windows = context.getStateStore(STORE);
    context.schedule(CLEANUP_EVERY, PunctuationType.STREAM_TIME, this::dropEndedWindows);
  }

  @Override
  public void process(Record<String, AlertContribution> record) {
    AlertRule rule = rules.get(record.key());
    if (rule == null) {
      return;
    }
    AlertContribution c = record.value();
    Instant at = Instant.ofEpochMilli(c.timestampMs());
    Instant start = rule.window().startOf(at);
    Instant end = start.plus(rule.window().length());
    String key = rule.id() + '\u001f' + rule.window().wire() + '\u001f' + start.toEpochMilli();
    long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
    if (ended(start.toEpochMilli(), end.toEpochMilli(), streamTime)) {
      late.dropped(key, start.toEpochMilli(), streamTime);
      return;
    }
    AlertWindowState state = windows.get(key);
    long spent = (state == null ? 0 : state.spent()) + c.amount();
    List<Integer> fired = new ArrayList<>(state == null ? List.of() : state.fired());
    for (int level : rule.levels()) {
      if (!fired.contains(level) && reached(spent, rule.budget(), level)) {
        fired.add(level);
        counters.increment("alerts.fired");
        LOG.info("alert {} crossed {}% in window {}: spent {} of {} (request {})", rule.id(), level, start, spent,
            rule.budget(), c.requestId());
        context.forward(new Record<>(rule.id(), FiredAlert.of(rule, level, spent, start, end,
            Instant.ofEpochMilli(c.timestampMs()), c.requestId()), record.timestamp()));
      }
    }
    windows.put(key, new AlertWindowState(start.toEpochMilli(), end.toEpochMilli(), spent, fired));
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
