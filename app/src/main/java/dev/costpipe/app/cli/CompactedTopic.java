package dev.costpipe.app.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a compacted topic from its beginning to its current end: the latest value of each key (a null value deletes it). */
final class CompactedTopic {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private CompactedTopic() {}

  /** Key → latest value, in the order the keys were first written; committed records only. */
  static Map<String, String> latest(Properties settings, String topic) {
    // the consumer's own default.api.timeout.ms, when given, bounds each step (a short one finds a Kafka that
    // is down sooner); reading to the end may take longer
    Duration timeout = Optional.ofNullable(settings.getProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG))
        .map(ms -> Duration.ofMillis(Long.parseLong(ms.strip()))).orElse(DEFAULT_TIMEOUT);
    Properties p = new Properties();
    p.putAll(settings);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "costpipe-cli-" + UUID.randomUUID());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, String> values = new LinkedHashMap<>();
    try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      var infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new UserInputException("topic " + topic + " does not exist on " + settings.getProperty("bootstrap.servers")
            + ": start `costpipe run` once (it creates its topics) or create it");
      }
      List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      Duration whole = timeout.compareTo(DEFAULT_TIMEOUT) > 0 ? timeout : DEFAULT_TIMEOUT;
      long deadline = System.nanoTime() + whole.toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new RuntimeFailure("could not read " + topic + " to its end within " + whole
              + ": check that Kafka is healthy, or raise default.api.timeout.ms");
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
