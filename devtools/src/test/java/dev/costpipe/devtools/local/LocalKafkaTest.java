package dev.costpipe.devtools.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.testsupport.ServerProcesses;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process broker of `costpipe local kafka` and `run --embedded`: formats once, keeps data and ports. */
class LocalKafkaTest {
  @TempDir
  Path dir;

  @Test
  void keepsItsDataAndPortsAcrossRestartsAndTakesTransactions() throws Exception {
    int port = ServerProcesses.freePorts(1)[0];
    try (LocalKafka kafka = LocalKafka.start(dir, port)) {
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      p.put("transactional.id", "local-kafka-test"); // exactly-once needs the transaction log on one node
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("kept", "k", "v"));
        producer.commitTransaction();
      }
    }
    assertThat(dir.resolve("data/meta.properties")).exists();
    assertThat(Files.readString(dir.resolve("ports.properties"))).contains("port=" + port);

    try (LocalKafka again = LocalKafka.start(dir, null)) { // the previous run's port
      assertThat(again.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
      assertThat(readAll(again.bootstrapServers(), "kept")).isEqualTo(1);
    }
  }

  @Test
  void saysWhichPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> LocalKafka.start(dir, taken.getLocalPort()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
          .hasMessageContaining("--port");
    }
  }

  private static int readAll(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      int n = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (n == 0 && System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(500));
        n += records.count();
      }
      return n;
    }
  }
}
