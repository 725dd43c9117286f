package dev.costpipe.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Rules that apply to no call the budget check bench makes (each for a user of its own), so that a check is
 * measured with many rules in force: every check reads past all of them.
 */
final class UnrelatedRules {
  private static final Duration IN_FORCE_WITHIN = Duration.ofMinutes(2);

  private UnrelatedRules() {}

  static String id(int i) {
    return String.format("bench-unrelated-%04d", i);
  }

  /** Puts {@code n} rules on {@code topic}, then waits until the instance at {@code url} has every one in force. */
  static void put(String bootstrap, String topic, int n, HttpClient client, String url, String token)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, id(i), "{\"id\":\"" + id(i) + "\",\"budget_usd\":5,"
            + "\"window\":\"1d\",\"filter\":{\"user_id\":\"" + id(i) + "\"}}"));
      }
    }
    long deadline = System.nanoTime() + IN_FORCE_WITHIN.toNanos();
    for (int i = 0; i < n; i++) {
      HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url + "/v1/budgets/" + id(i)))
          .timeout(Duration.ofSeconds(10));
      if (token != null) {
        get.header("Authorization", "Bearer " + token);
      }
      while (client.send(get.build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("rule " + id(i) + " not in force at " + url + " after "
              + IN_FORCE_WITHIN.toSeconds() + " s");
        }
        Thread.sleep(100);
      }
    }
  }
}
