package dev.costpipe.topology.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning, committed records only: until a condition holds, or to its end offsets. */
public final class TopicReader {
  private TopicReader() {}

  /** Every committed record on {@code topic} now: from the beginning to its end offsets (read_committed). */
  public static List<ConsumerRecord<String, String>> readToEnd(String bootstrap, String topic, Duration timeout) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (var consumer = consumer(bootstrap)) {
      List<TopicPartition> parts = fromTheBeginning(consumer, topic);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (parts.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out reading " + topic + " to its end offsets " + ends);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  public static List<ConsumerRecord<String, String>> readUntil(String bootstrap, String topic,
      Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (var consumer = consumer(bootstrap)) {
      fromTheBeginning(consumer, topic);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(out) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // a little longer, to catch records that should not be there (duplicates)
      long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < settle) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Assigns every partition of {@code topic}, each at its beginning; returns them. */
  private static List<TopicPartition> fromTheBeginning(KafkaConsumer<String, String> consumer, String topic) {
    List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
        .map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    return parts;
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }
}
