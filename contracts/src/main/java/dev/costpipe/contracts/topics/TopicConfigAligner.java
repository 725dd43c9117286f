package dev.costpipe.contracts.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Brings the configs of existing topics to the values wanted: describes them, and sets the keys whose value
 * differs with one incremental alteration (other keys are left as they are). Topics that do not exist are
 * skipped: creating them is {@link TopicCreator}'s. Failures throw {@link TopicCreator.TopicCreationException};
 * each call waits at most the timeout given.
 */
public final class TopicConfigAligner {
  /** One config set: {@code before} is null when the topic had no value for it. */
  public record Change(String topic, String key, String before, String after) {}

  private final Admin admin;
  private final Duration timeout;

  public TopicConfigAligner(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /** Sets what differs from {@code wanted} (topic → key → value); returns the changes, by topic and key. */
  public List<Change> align(Map<String, Map<String, String>> wanted) throws InterruptedException {
    Set<String> existing = TopicCreator.await(admin.listTopics().names(), "cannot list the topics", timeout);
    List<ConfigResource> resources = new TreeMap<>(wanted).keySet().stream().filter(existing::contains)
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    if (resources.isEmpty()) {
      return List.of();
    }
    Map<ConfigResource, Config> current = TopicCreator.await(admin.describeConfigs(resources).all(),
        "cannot describe the configs of " + names(resources), timeout);
    List<Change> changes = new ArrayList<>();
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
    for (ConfigResource r : resources) {
      new TreeMap<>(wanted.get(r.name())).forEach((key, value) -> {
        ConfigEntry entry = current.get(r).get(key);
        String before = entry == null ? null : entry.value();
        if (!value.equals(before)) {
          changes.add(new Change(r.name(), key, before, value));
          ops.computeIfAbsent(r, x -> new ArrayList<>())
              .add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
        }
      });
    }
    if (!ops.isEmpty()) {
      TopicCreator.await(admin.incrementalAlterConfigs(ops).all(),
          "cannot alter the configs of " + names(ops.keySet()), timeout);
    }
    return changes;
  }

  private static List<String> names(Collection<ConfigResource> resources) {
    return resources.stream().map(ConfigResource::name).toList();
  }
}
