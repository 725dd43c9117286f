package dev.costpipe.bench;

import dev.costpipe.testsupport.KafkaTestBroker;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/** The few admin operations the benchmark needs: topics, and how far a consumer group has committed. */
final class KafkaAdmin implements AutoCloseable {
  private final KafkaTestBroker broker;
  private final Admin admin;

  KafkaAdmin(KafkaTestBroker broker) {
    this.broker = broker;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    admin = Admin.create(p);
  }

  /**
   * Creates topics kept by append time, as costpipe creates its own (so an event's time is its append time), and
   * waits until every partition has a leader (a producer sending earlier can get stuck in retries).
   */
  void createAppendTimeTopics(int partitions, String... names) {
    for (String name : names) {
      broker.createTopic(name, partitions, Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
    }
  }

  /** Deletes every topic whose name starts with one of the prefixes (a run's own and its apps' internal topics). */
  void deleteTopicsStartingWith(Collection<String> prefixes) {
    List<String> doomed = get(() -> admin.listTopics().names().get()).stream()
        .filter(t -> prefixes.stream().anyMatch(t::startsWith)).toList();
    if (!doomed.isEmpty()) {
      get(() -> admin.deleteTopics(doomed).all().get());
    }
  }

  /**
   * End offsets summed over partitions, per topic whose name starts with one of the prefixes: what was written,
   * transaction markers included (each takes an offset).
   */
  Map<String, Long> endOffsets(Collection<String> prefixes) {
    List<String> topics = get(() -> admin.listTopics().names().get()).stream()
        .filter(t -> prefixes.stream().anyMatch(t::startsWith)).sorted().toList();
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    get(() -> admin.describeTopics(topics).allTopicNames().get()).forEach((topic, d) -> d.partitions()
        .forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
    Map<String, Long> out = new TreeMap<>();
    get(() -> admin.listOffsets(specs).all().get()).forEach((tp, info) -> out.merge(tp.topic(), info.offset(), Long::sum));
    return out;
  }

  /** Records of a topic the group has committed (summed over partitions), and the topic's end offset sum. */
  long[] committedAndEnd(String group, String topic) {
    Map<TopicPartition, OffsetAndMetadata> committed = get(() -> admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get());
    Map<TopicPartition, OffsetSpec> specs = get(() -> admin.describeTopics(List.of(topic)).allTopicNames().get())
        .get(topic).partitions().stream()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = get(() -> admin.listOffsets(specs).all().get());
    long done = 0;
    long total = 0;
    for (TopicPartition tp : specs.keySet()) {
      OffsetAndMetadata c = committed.get(tp);
      done += c == null ? 0 : c.offset();
      total += end.get(tp).offset();
    }
    return new long[] {done, total};
  }

  private interface Call<T> {
    T call() throws InterruptedException, ExecutionException;
  }

  private static <T> T get(Call<T> call) {
    try {
      return call.call();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka admin call failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
