package dev.costpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The harness itself, against the real broker: round trip, transactions, kill -9 and restart. */
class KafkaTestBrokerTest {
  private static final Duration READ = Duration.ofSeconds(60);

  private static String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<Map.Entry<String, String>> records(String prefix, int from, int to) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(Map.entry(prefix + "-key-" + i, prefix + "-value-" + i));
    }
    return out;
  }

  private static List<Map.Entry<String, String>> entries(List<ConsumerRecord<String, String>> records) {
    return records.stream()
        .<Map.Entry<String, String>>map(r -> new AbstractMap.SimpleImmutableEntry<>(r.key(), r.value()))
        .toList();
  }

  @Test
  void sharedBrokerRoundTripsAThousandRecords() {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    assertThat(KafkaTestBroker.shared()).isSameAs(broker);
    String topic = uniqueTopic("round-trip");
    broker.createTopic(topic, 3, Map.of("retention.ms", "-1"));

    List<Map.Entry<String, String>> sent = records("rt", 0, 1_000);
    broker.produce(topic, sent);
    List<ConsumerRecord<String, String>> read = broker.readAll(topic, READ);

    assertThat(read).hasSize(1_000);
    assertThat(entries(read)).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(read).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    // within a partition, offsets are consecutive from 0 and the producer's order is kept
    for (int partition = 0; partition < 3; partition++) {
      int p = partition;
      List<ConsumerRecord<String, String>> inPartition = read.stream().filter(r -> r.partition() == p).toList();
      for (int i = 0; i < inPartition.size(); i++) {
        assertThat(inPartition.get(i).offset()).isEqualTo(i);
      }
      List<Integer> order = inPartition.stream()
          .map(r -> Integer.parseInt(r.value().substring("rt-value-".length()))).toList();
      assertThat(order).isSorted();
    }
  }

  @Test
  void closeOnTheSharedBrokerIsANoOp() {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    broker.close();
    assertThat(broker.isRunning()).isTrue();
    String topic = uniqueTopic("after-close");
    broker.createTopic(topic, 1, Map.of());
    broker.produce(topic, records("ac", 0, 3));
    assertThat(broker.readAll(topic, READ)).hasSize(3);
  }

  @Test
  void readCommittedSeesOnlyCommittedTransactions() {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    String topic = uniqueTopic("transactions");
    broker.createTopic(topic, 1, Map.of());

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kafka-test-broker-test-" + topic);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
      producer.commitTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted-1"));
      producer.send(new ProducerRecord<>(topic, "k", "aborted-2"));
      producer.flush(); // the aborted records really are in the log
      producer.abortTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-3"));
      producer.commitTransaction();

      // an open transaction is invisible (and hides what follows it) until it commits
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-late"));
      producer.flush();
      assertThat(broker.readAll(topic, READ)).extracting(ConsumerRecord::value)
          .containsExactly("committed-1", "committed-2", "committed-3");
      producer.commitTransaction();
    }

    assertThat(broker.readAll(topic, READ)).extracting(ConsumerRecord::value)
        .containsExactly("committed-1", "committed-2", "committed-3", "committed-late");
    assertThat(readUncommitted(broker, topic)).containsExactly(
        "committed-1", "committed-2", "aborted-1", "aborted-2", "committed-3", "committed-late");
  }

  @Test
  void recordsSurviveKillMinusNineAndRestart() {
    try (KafkaTestBroker broker = KafkaTestBroker.start()) {
      assertThat(broker).isNotSameAs(KafkaTestBroker.shared());
      String topic = uniqueTopic("crash");
      broker.createTopic(topic, 2, Map.of());
      List<Map.Entry<String, String>> before = records("before", 0, 500);
      broker.produce(topic, before);
      long firstPid = broker.pid();

      long killed = System.nanoTime();
      broker.kill();
      assertThat(broker.isRunning()).isFalse();
      assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(broker.lastExitStatus()).hasValue(137); // 128 + SIGKILL: no graceful shutdown

      long restarting = System.nanoTime();
      broker.restart();
      long restarted = System.nanoTime();
      System.err.printf("[KafkaTestBrokerTest] kill took %d ms, restart after kill -9 took %d ms%n",
          (restarting - killed) / 1_000_000, (restarted - restarting) / 1_000_000);
      assertThat(broker.isRunning()).isTrue();
      assertThat(broker.pid()).isNotEqualTo(firstPid);

      assertThat(entries(broker.readAll(topic, READ))).containsExactlyInAnyOrderElementsOf(before);

      // and it takes new records as before
      List<Map.Entry<String, String>> after = records("after", 0, 100);
      broker.produce(topic, after);
      List<Map.Entry<String, String>> all = new ArrayList<>(before);
      all.addAll(after);
      assertThat(entries(broker.readAll(topic, READ))).containsExactlyInAnyOrderElementsOf(all);

      // a graceful stop and a second restart keep them too
      broker.stop();
      assertThat(broker.lastExitStatus()).hasValue(143); // 128 + SIGTERM, after Kafka's shutdown hook
      broker.restart();
      assertThat(entries(broker.readAll(topic, READ))).containsExactlyInAnyOrderElementsOf(all);

      broker.close();
      assertThat(broker.directory()).doesNotExist();
      assertThatThrownBy(broker::restart).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void readAllRefusesAMissingTopic() {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    assertThatThrownBy(() -> broker.readAll(uniqueTopic("missing"), Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not exist");
  }

  private static List<String> readUncommitted(KafkaTestBroker broker, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> values = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long deadline = System.nanoTime() + READ.toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }
}
