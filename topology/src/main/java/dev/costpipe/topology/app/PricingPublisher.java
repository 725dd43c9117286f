package dev.costpipe.topology.app;

import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.pricing.PricingEntry;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes pricing entries to the pricing topic, keyed by model key; and tells whether the topic is empty. */
public final class PricingPublisher {
  private PricingPublisher() {}

  /** Publishes every entry (idempotent producer, acks=all) and waits for all of them; returns the count. */
  public static int publish(Properties kafka, String topic, Collection<PricingEntry> entries)
      throws InterruptedException, ExecutionException {
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // one batch in flight: to a topic just created, a first batch refused with NOT_LEADER_OR_FOLLOWER left the
    // batches behind it refused as out of sequence until the delivery timeout (seen with Kafka 4.3)
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (PricingEntry e : entries) {
        sent.add(producer.send(new ProducerRecord<>(topic, e.modelKey(), PricingEntryJson.write(e))));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
      return sent.size();
    }
  }

  /** Whether the topic has never held a record (every partition's end offset is 0). */
  public static boolean isEmpty(Properties kafka, String topic) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      return consumer.endOffsets(partitions).values().stream().allMatch(o -> o == 0L);
    }
  }
}
