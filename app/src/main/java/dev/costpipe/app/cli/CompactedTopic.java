package dev.costpipe.app.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a compacted topic from its beginning to its current end: the latest value of each key (a null value deletes it). */
final class CompactedTopic {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private CompactedTopic() {}

  /** Key → latest value, in the order the keys were first written; committed records only. */
  static Map<String, String> latest(Properties settings, String topic) {
    Properties p = new Properties();
    p.putAll(settings);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "costpipe-cli-" + UUID.randomUUID());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, String> values = new LinkedHashMap<>();
    try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      var infos = consumer.partitionsFor(topic, TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + TIMEOUT);
        }
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() == null) {
            continue;
          }
          if (r.value() == null) {
            values.remove(r.key());
          } else {
            values.put(r.key(), r.value());
          }
        }
      }
    }
    return values;
  }
}
