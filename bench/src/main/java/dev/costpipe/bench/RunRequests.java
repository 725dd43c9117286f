package dev.costpipe.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the budget benches send a running {@code costpipe run}: HTTP requests to its server, rules to its topic. */
final class RunRequests {
  private RunRequests() {}

  /** A request to {@code url + pathAndQuery}, with {@code token} as a bearer token (null: none). */
  static HttpRequest.Builder to(String url, String pathAndQuery, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + pathAndQuery)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Puts {@code rules} (id → JSON) on {@code topic}; returns once the broker has them all. */
  static void putRules(String bootstrap, String topic, Map<String, String> rules) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      rules.forEach((id, rule) -> producer.send(new ProducerRecord<>(topic, id, rule)));
    }
  }
}
