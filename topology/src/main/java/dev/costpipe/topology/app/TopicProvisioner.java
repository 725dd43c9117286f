package dev.costpipe.topology.app;

import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.contracts.topics.TopicConfigAligner;
import dev.costpipe.contracts.topics.TopicCreator;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.steps.ParseStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the costpipe topics that are missing: compacted for {@code llm.pricing} and {@code
 * llm.alert-rules}, with {@code costpipe.topics.partitions} and {@code
 * costpipe.topics.replication-factor} (default: the cluster's defaults). Existing topics are left
 * as they are. The others keep records by append time ({@code LogAppendTime}): their records carry
 * the request's own time, and replayed history older than the retention would otherwise be deleted
 * as soon as it is written. The state stores' changelogs, which Kafka Streams creates, are checked
 * at start ({@link #alignChangelogs}).
 */
public final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  /** The raw-events topic's {@code max.message.bytes}: twice {@link ParseStep#MAX_EVENT_BYTES}. */
  public static final int MAX_RAW_EVENT_RECORD_BYTES = 2 * ParseStep.MAX_EVENT_BYTES;

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

  private TopicProvisioner() {}

  /**
   * Creates the missing topics; returns their names, sorted.
   *
   * @throws TopicCreator.TopicCreationException when Kafka cannot list or create them (no answer within 60 s)
   */
  public static List<String> createMissing(Admin admin, TopologyConfig config, Properties settings)
      throws InterruptedException {
    Optional<Integer> partitions = CostpipeSettings.TOPICS_PARTITIONS.find(settings);
    Optional<Short> replication = CostpipeSettings.TOPICS_REPLICATION_FACTOR.find(settings).map(Integer::shortValue);
    Map<String, Boolean> wanted = new LinkedHashMap<>(Map.of(
        config.rawEventsTopic(), false,
        config.pricingTopic(), true,
        config.alertRulesTopic(), true,
        config.costsTopic(), false,
        config.aggregatesTopic(), false,
        config.alertsTopic(), false,
        config.deadLetterTopic(), false));
    if (config.otlpInput().enabled()) {
      // the Collector creates it too, as it likes; created here only so that run can start before it
      wanted.put(config.otlpInput().topic(), false);
    }
    List<NewTopic> topics = new ArrayList<>();
    wanted.forEach((name, compacted) -> {
      NewTopic t = new NewTopic(name, compacted ? Optional.of(1) : partitions, replication);
      if (compacted) {
        t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      } else if (name.equals(config.rawEventsTopic()) || name.equals(config.otlpInput().topic())) {
        // events up to twice the parse limit are accepted, so that the parse step refuses them with a
        // reason in the dead-letter topic instead of the broker refusing them to the producer
        t.configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_RAW_EVENT_RECORD_BYTES)));
      } else {
        t.configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
      }
      topics.add(t);
    });
    List<String> created = new TopicCreator(admin, ADMIN_TIMEOUT).createMissing(topics);
    if (!created.isEmpty()) {
      LOG.info("created topics {}", created);
    }
    return created;
  }

  /**
   * Sets the configs the state stores ask for ({@link StateChangelogs}) on their changelog topics that exist,
   * where a deployment made by an earlier version has other values; logs one line per change and returns the
   * changes. Kafka Streams creates a missing changelog with them, but never alters one that exists. When Kafka
   * refuses (e.g. no AlterConfigs permission), says what to set and carries on: the topology still runs.
   */
  public static List<TopicConfigAligner.Change> alignChangelogs(Admin admin, TopologyConfig config,
      String applicationId) throws InterruptedException {
    Map<String, Map<String, String>> wanted = new TreeMap<>();
    StateChangelogs.configs(config).forEach((store, configs) ->
        wanted.put(StateChangelogs.topic(applicationId, store), configs));
    try {
      List<TopicConfigAligner.Change> changes = new TopicConfigAligner(admin, ADMIN_TIMEOUT).align(wanted);
      for (TopicConfigAligner.Change c : changes) {
        LOG.info("changelog {}: set {}={} (was {})", c.topic(), c.key(), c.after(), c.before());
      }
      return changes;
    } catch (TopicCreator.TopicCreationException e) {
      LOG.warn("could not check the changelog topics' configs ({}); each of {} should have {}", e.getMessage(),
          wanted.keySet(), StateChangelogs.BY_APPEND_TIME);
      return List.of();
    }
  }
}
