package dev.costpipe.notify;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries already made: the compacted delivered topic (key {@link DeliveryKey#wire()}, value a JSON
 * description of the delivery; a null value forgets it), read to its end on start and on every partition
 * assignment of the alerts topic, so that a partition taken over from another instance is checked against
 * that instance's marks too. A mark is written and acknowledged ({@code acks=all}) right after the channel
 * accepted the alert, before the alert's offset is committed.
 */
final class DeliveryLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

  private final String topic;
  private final Producer<String, String> producer;
  private final KafkaConsumer<String, String> reader;
  private final Duration retention;
  /** wire key → when the mark was written (epoch ms), to forget marks older than the topic keeps. */
  private final Map<String, Long> delivered = new ConcurrentHashMap<>();
  private List<TopicPartition> partitions;

  DeliveryLog(String topic, Producer<String, String> producer, Properties readerSettings, Duration retention) {
    this.topic = topic;
    this.producer = producer;
    this.retention = retention;
    Properties p = new Properties();
    p.putAll(readerSettings);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "costpipe-notifier-marks");
    this.reader = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  /** Reads the delivered topic up to its current end. */
  void catchUp(Duration timeout) {
    long begin = System.nanoTime();
    long deadline = begin + timeout.toNanos();
    if (partitions == null) {
      List<PartitionInfo> infos = reader.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("the delivered topic " + topic + " does not exist");
      }
      partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
    }
    Map<TopicPartition, Long> end = new HashMap<>(reader.endOffsets(partitions, timeout));
    int read = 0;
    while (true) {
      end.entrySet().removeIf(e -> reader.position(e.getKey(), timeout) >= e.getValue());
      if (end.isEmpty()) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read the delivered topic " + topic + " to its end within "
            + timeout + " (still behind on " + end.keySet() + ")");
      }
      for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
        read++;
        if (r.key() == null) {
          continue;
        }
        if (r.value() == null) {
          delivered.remove(r.key());
        } else {
          delivered.merge(r.key(), r.timestamp(), Math::max);
        }
      }
    }
    prune();
    if (read > 0) {
      LOG.info("read {} delivery marks from {} in {} ms: {} deliveries known", read, topic,
          (System.nanoTime() - begin) / 1_000_000, delivered.size());
    }
  }

  boolean isDelivered(DeliveryKey key) {
    return delivered.containsKey(key.wire());
  }

  /** Writes the mark and waits for the broker's acknowledgement; thread-safe. */
  void markDelivered(DeliveryKey key, String description) throws InterruptedException {
    try {
      producer.send(new ProducerRecord<>(topic, key.wire(), description)).get();
    } catch (ExecutionException e) {
      throw new NotifierException("cannot record the delivery " + key.wire() + " on " + topic + ": "
          + e.getCause(), e.getCause());
    }
    delivered.put(key.wire(), System.currentTimeMillis());
  }

  int size() {
    return delivered.size();
  }

  /** Forgets marks older than the topic's retention: the topic has dropped them too. */
  private void prune() {
    long oldest = System.currentTimeMillis() - retention.toMillis();
    delivered.values().removeIf(t -> t < oldest);
  }

  @Override
  public void close() {
    reader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
