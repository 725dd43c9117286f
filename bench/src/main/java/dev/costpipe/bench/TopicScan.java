package dev.costpipe.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic once (committed records only, every partition, up to the end as it is now): how many
 * records of the chosen keys, their first, median and last append time (the topics are LogAppendTime), and each
 * of them to a callback.
 */
final class TopicScan {
  /** Count, and the earliest, median and latest record timestamp (epoch ms). */
  record Summary(long records, long firstMs, long medianMs, long lastMs) {
    double seconds() {
      return (lastMs - firstMs) / 1000.0;
    }

    /** Records per second over the second half of them (by then JIT warm-up is behind). */
    double secondHalfPerSecond() {
      return (records - records / 2) / ((lastMs - medianMs) / 1000.0);
    }
  }

  private TopicScan() {}

  /** A consumer of committed records only, assigned every partition of the topic, committing nothing. */
  static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(topic, Duration.ofSeconds(30))
        .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    consumer.assign(partitions);
    return consumer;
  }

  /** The records whose key {@code keys} accepts (in the summary and to {@code each}); the others are skipped. */
  static Summary scan(String bootstrap, String topic, Predicate<String> keys,
      Consumer<ConsumerRecord<byte[], byte[]>> each) {
    long[] times = new long[1024];
    int count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrap, topic)) {
      List<TopicPartition> partitions = new ArrayList<>(consumer.assignment());
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // the last stable offsets (read_committed)
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() == null || !keys.test(new String(r.key(), StandardCharsets.UTF_8))) {
            continue;
          }
          if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
          }
          times[count++] = r.timestamp();
          each.accept(r);
        }
      }
    }
    if (count == 0) {
      return new Summary(0, 0, 0, 0);
    }
    Arrays.sort(times, 0, count);
    return new Summary(count, times[0], times[count / 2], times[count - 1]);
  }
}
