package dev.costpipe.topology;

import dev.costpipe.topology.steps.AlertSeedStep;
import dev.costpipe.topology.steps.AlertThresholdStep;
import dev.costpipe.topology.steps.ChunkMergeStep;
import dev.costpipe.topology.steps.CombineStep;
import dev.costpipe.topology.steps.RevisionStep;
import dev.costpipe.topology.steps.WindowTotalsStep;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The changelog topics of costpipe's state stores and the topic configs each store asks for beyond Kafka
 * Streams' own. Every store's records carry the request's own (event) time, so every changelog is kept by
 * append time: the broker's retention of a windowed changelog ({@code compact,delete}, window + grace + 1 day)
 * then counts from when a total was written, not from when its request happened, and a backfill dated months
 * back is no longer deleted from the changelog while the store still holds it (a restore would restart its
 * windows from zero). Set per store, never with the {@code topic.} prefix: that would also reach the
 * repartition topics, whose record time is what the windows are cut by.
 */
public final class StateChangelogs {
  /** The configs of a changelog whose records carry event time. */
  public static final Map<String, String> BY_APPEND_TIME =
      Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

  private StateChangelogs() {}

  /** Each logged store of the topology built from {@code config}, by name, with the configs it asks for. */
  public static Map<String, Map<String, String>> configs(TopologyConfig config) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    out.put(ChunkMergeStep.OPEN_STORE, BY_APPEND_TIME);
    out.put(ChunkMergeStep.COMPLETED_STORE, BY_APPEND_TIME);
    out.put(CombineStep.STORE, BY_APPEND_TIME);
    for (Duration size : config.aggregateWindows()) {
      out.put(WindowTotalsStep.name(size), BY_APPEND_TIME);
    }
    out.put(RevisionStep.STORE, BY_APPEND_TIME);
    out.put(AlertThresholdStep.STORE, BY_APPEND_TIME);
    out.put(AlertThresholdStep.VERSIONS_STORE, BY_APPEND_TIME);
    out.put(AlertSeedStep.STORE, BY_APPEND_TIME);
    return out;
  }

  /** Kafka Streams' name for a store's changelog topic. */
  public static String topic(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }
}
