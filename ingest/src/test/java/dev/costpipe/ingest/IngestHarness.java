package dev.costpipe.ingest;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** An ingest server on a fresh topic of the shared test broker, and a client for it. */
final class IngestHarness implements AutoCloseable {
  static final int MAX_BODY = 4 * 1024 * 1024;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final KafkaTestBroker broker = KafkaTestBroker.shared();
  final String topic = "ingest-" + UUID.randomUUID();
  final IngestServer server;

  IngestHarness(Path tokensFile) throws IOException {
    this(tokensFile, null);
  }

  /** @param bootstrap null: the shared broker; else (an unreachable address) for Kafka-down tests */
  IngestHarness(Path tokensFile, String bootstrap) throws IOException {
    broker.createTopic(topic, 2, Map.of());
    Properties kafka = new Properties();
    kafka.put("bootstrap.servers", bootstrap == null ? broker.bootstrapServers() : bootstrap);
    Duration ackTimeout = Duration.ofSeconds(bootstrap == null ? 20 : 2);
    server = IngestServer.start(new IngestSettings(new HttpSettings("127.0.0.1", tokensFile), 0, topic, MAX_BODY,
        ackTimeout, 8, Duration.ofSeconds(1)), new EventProducer(kafka, topic, ackTimeout));
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  List<ConsumerRecord<String, String>> produced() {
    return broker.readAll(topic, Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    server.close();
  }
}
