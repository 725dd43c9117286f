package dev.costpipe.topology.it;

import dev.costpipe.testsupport.Await;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until an application has read and committed everything on its inputs: its consumer group's offsets are at
 * the end of every partition of the raw-events topic and of its repartition topics. Under exactly-once the outputs
 * of a record are committed with its offset, so from then on every record the traffic can cause is on the output
 * topics (only a wall-clock punctuation could add one later), and a duplicate or extra output is there to be seen.
 */
public final class InputsConsumed {
  private InputsConsumed() {}

  public static void await(Properties settings, Duration timeout) {
    String group = settings.getProperty("application.id");
    String raw = settings.getProperty("costpipe.topic.raw-events");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        settings.getProperty("bootstrap.servers")))) {
      Map<TopicPartition, Long> behind = new HashMap<>();
      Await.until(() -> group + " to commit its inputs to their end (records behind: " + behind + ")", timeout, () -> {
        behind.clear();
        behind.putAll(recordsBehind(admin, group, raw));
        return behind.isEmpty();
      });
    }
  }

  /**
   * The partitions whose end the group's committed offset has not reached. The offsets are read before the ends:
   * every record on an input when the ends are read (in an open transaction too) was then consumed and committed.
   * Kafka Streams commits past the transaction markers a partition ends with.
   */
  private static Map<TopicPartition, Long> recordsBehind(Admin admin, String group, String raw) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      List<String> inputs = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
          .filter(t -> t.equals(raw) || t.startsWith(group + "-") && t.endsWith("-repartition")).toList();
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      admin.describeTopics(inputs).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, d) -> d.partitions()
          .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> behind = new HashMap<>();
      admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS).forEach((tp, end) -> {
        OffsetAndMetadata c = committed.get(tp);
        long at = c == null ? 0 : c.offset();
        if (at < end.offset()) {
          behind.put(tp, end.offset() - at);
        }
      });
      return behind;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the offsets of " + group, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
