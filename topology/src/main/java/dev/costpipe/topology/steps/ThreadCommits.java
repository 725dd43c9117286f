package dev.costpipe.topology.steps;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When the stream thread running a task is due to commit next: {@code commit.interval.ms} after its last commit,
 * seen as a change of the thread's {@code commit-total} metric (at most one look of the caller late). Kafka
 * Streams tells a processor nothing before a commit; this is how {@link CombineStep} sends its sums just before
 * one. Only a timing: nothing depends on it for exactness.
 */
final class ThreadCommits {
  private final Metric commitTotal;
  private final long intervalMs;
  private double seen = Double.NaN;
  private long lastCommitMs;

  private ThreadCommits(Metric commitTotal, long intervalMs) {
    this.commitTotal = commitTotal;
    this.intervalMs = intervalMs;
  }

  /** The commits of the thread calling (a task's {@code init} runs on its stream thread); null where none are kept. */
  static ThreadCommits of(ProcessorContext<?, ?> context) {
    Object interval = context.appConfigs().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    String thread = Thread.currentThread().getName();
    for (Map.Entry<MetricName, ? extends Metric> m : context.metrics().metrics().entrySet()) {
      MetricName n = m.getKey();
      if (interval != null && n.name().equals("commit-total") && n.group().equals("stream-thread-metrics")
          && thread.equals(n.tags().get("thread-id"))) {
        return new ThreadCommits(m.getValue(), Long.parseLong(interval.toString()));
      }
    }
    return null;
  }

  /** Milliseconds until the next commit is due (negative: overdue, e.g. nothing to commit). */
  long nextDueInMs(long nowMs) {
    double count = ((Number) commitTotal.metricValue()).doubleValue();
    if (count != seen) {
      seen = count;
      lastCommitMs = nowMs;
    }
    return lastCommitMs + intervalMs - nowMs;
  }
}
