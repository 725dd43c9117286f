package dev.costpipe.topology.steps;

import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.aggregate.CostContribution;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.aggregate.DimensionSplit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Step 5a: each cost record split by dimension ({@link DimensionSplit}: less the revision it replaces), and the
 * contributions summed per dimension value and time bucket inside the task before they cross the
 * {@code cost-by-dimension} repartition topic, so that it carries one record per value and bucket every
 * {@code interval} instead of one per request and dimension (7.7 per request on the benchmark's traffic).
 *
 * <p>Kafka Streams has no hook before a commit, so the sums not yet sent live in a logged store ({@value STORE}):
 * under exactly-once, a sum, the offsets of the requests it holds and, once sent, its removal are committed
 * together, and a restore (after {@code kill -9}) brings back exactly the sums not yet sent. They are sent by
 * wall clock, at least {@code interval} apart, also on a partition no longer fed (old traffic is not held back).
 * Where the stream thread's commits can be seen ({@link ThreadCommits}), they are sent just before the thread's
 * next commit is due: a sum made and sent within one transaction never reaches the changelog (the record cache
 * drops its value, and {@link UnloggedKeyTombstones} the tombstone of a key the changelog never had), instead of
 * once per commit it waited through plus its removal.
 *
 * <p>A bucket is the greatest common divisor of the aggregate window sizes (1h for 1h and 1d), so every
 * contribution of a sum falls in the same window of every size. A sum is sent with the earliest time of its
 * contributions, and a bucket's sums before a later bucket's, so that sending them later moves the windows' stream
 * time (what closes a window after its grace) no further than their first contribution would have. Still, a
 * contribution reaches the windows up to {@code interval} later than it used to: while a backlog is read (hours of
 * event time a second), one that arrived just within a window's grace may now be counted as late. A sum counts
 * requests, not records (a retraction one request less), and its {@code version} is
 * the number of contributions it holds, so the windows' totals, versions included, are those the contributions
 * would have made one by one. With an interval of zero (0s) each contribution is sent at once, as a sum of one.
 */
public final class CombineStep implements Processor<String, RevisedCost, String, CostTotals> {
  public static final String STORE = "aggregate-combiner";
  /** Between a bucket's start and the dimension key in a store key; the start is digits, so the first one splits. */
  private static final char SEPARATOR = '|';

  /** How often the step looks whether to send: a commit is foreseen to within this, plus a loop of the thread. */
  private static final Duration LOOK_EVERY = Duration.ofMillis(10);
  /** How early before the thread's next commit is due the sums are sent: more than one loop of the thread. */
  private static final long AHEAD_MS = 100;

  private final Duration interval;
  private final long bucketMs;
  private ProcessorContext<String, CostTotals> context;
  private KeyValueStore<String, PendingSum> pending;
  /**
   * What {@code pending} holds, in memory: a contribution reads its sum here, not from the store (no lookup, no
   * deserializing), and a send lists them from here, in the store's order (a bucket's start, then the key).
   */
  private final Map<String, PendingSum> sums = new HashMap<>();
  private ThreadCommits commits;
  private long sentAtMs;

  /** @param windows the aggregate window sizes */
  public CombineStep(Duration interval, List<Duration> windows) {
    this.interval = interval;
    this.bucketMs = windows.stream().mapToLong(Duration::toMillis).reduce(CombineStep::gcd).orElseThrow();
  }

  /**
   * The sums not yet sent, in memory (a few per dimension value), logged. Each holds its earliest time in its
   * value: a restore gives the records of a changelog kept by append time the time they were written.
   */
  public static StoreBuilder<KeyValueStore<String, PendingSum>> store() {
    return WriteBehindStore.of(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(),
        PendingSum.serde()).withCachingEnabled().withLoggingEnabled(StateChangelogs.BY_APPEND_TIME));
  }

  @Override
  public void init(ProcessorContext<String, CostTotals> context) {
    this.context = context;
    this.pending = context.getStateStore(STORE);
    UnloggedKeyTombstones.skip(pending, context.appConfigs());
    // a task (re)initialised, e.g. after a failure, restarts from its store as of the last commit
    sums.clear();
    try (var all = pending.all()) {
      all.forEachRemaining(kv -> sums.put(kv.key, kv.value));
    }
    if (!interval.isZero()) {
      commits = ThreadCommits.of(context);
      sentAtMs = context.currentSystemTimeMs();
      context.schedule(commits == null ? interval : LOOK_EVERY, PunctuationType.WALL_CLOCK_TIME, this::look);
    }
  }

  /** Sends the sums once {@code interval} passed, just before the thread's next commit where it can tell. */
  private void look(long nowMs) {
    if (commits == null) {
      sendPending();
      return;
    }
    long dueInMs = commits.nextDueInMs(nowMs);
    if (nowMs - sentAtMs >= interval.toMillis() - AHEAD_MS && dueInMs <= AHEAD_MS) {
      sentAtMs = nowMs;
      sendPending();
    }
  }

  @Override
  public void process(Record<String, RevisedCost> record) {
    long at = record.timestamp();
    String bucket = Math.floorDiv(at, bucketMs) * bucketMs + String.valueOf(SEPARATOR);
    for (KeyValue<String, CostContribution> c : DimensionSplit.of(record.value())) {
      if (interval.isZero()) {
        context.forward(new Record<>(c.key, CostTotals.of(c.value), at));
        continue;
      }
      String key = bucket + c.key;
      PendingSum sum = sums.get(key);
      PendingSum next = sum == null ? new PendingSum(at, CostTotals.of(c.value))
          : new PendingSum(Math.min(sum.earliestMs(), at), sum.sum().merge(CostTotals.of(c.value)));
      sums.put(key, next);
      pending.put(key, next);
    }
  }

  @Override
  public void close() {
    sums.clear();
  }

  /** Sends every sum and removes it, in the transaction the next commit closes. */
  private void sendPending() {
    List<Map.Entry<String, PendingSum>> all = new ArrayList<>(sums.entrySet());
    all.sort(Map.Entry.comparingByKey());
    sums.clear();
    for (Map.Entry<String, PendingSum> sum : all) {
      String dimensionKey = sum.getKey().substring(sum.getKey().indexOf(SEPARATOR) + 1);
      context.forward(new Record<>(dimensionKey, sum.getValue().sum(), sum.getValue().earliestMs()));
      pending.delete(sum.getKey());
    }
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
