package dev.costpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How soon a request shows in the live endpoints of a running {@code costpipe run}: produces one request of a user
 * never seen before to the raw-events topic, then asks {@code /v1/totals} and {@code /v1/budgets/{rule}?key=} (a
 * per-user rule it puts first) for that user until each counts it; {@code --probes} times, {@code --pause} apart.
 * Prints min, p50, p90 and max of each, from the broker's acknowledgement of the request. docs/budgets.md
 * (Freshness) says how it was run.
 */
@Command(name = "freshness-bench", mixinStandardHelpOptions = true,
    description = "How soon a new request shows in /v1/totals and /v1/budgets of a running costpipe run.")
public final class FreshnessBench implements Callable<Integer> {
  static final String RULE = "bench-freshness-per-user";
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);
  private static final Duration POLL_EVERY = Duration.ofMillis(5);

  @Option(names = "--url", defaultValue = "http://127.0.0.1:9464", description = "costpipe run's HTTP server.")
  String url;

  @Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092", description = "Kafka.")
  String bootstrapServer;

  @Option(names = "--raw-topic", defaultValue = "llm.raw-events", description = "costpipe run's raw-events topic.")
  String rawTopic;

  @Option(names = "--rules-topic", defaultValue = "llm.alert-rules", description = "Its rules' topic.")
  String rulesTopic;

  @Option(names = "--probes", defaultValue = "20", description = "Requests measured, one at a time.")
  int probes;

  @Option(names = "--pause", defaultValue = "PT1S", description = "Between probes (ISO-8601).")
  Duration pause;

  @Option(names = "--token", description = "A bearer token (when costpipe.http.tokens-file is set).")
  String token;

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new FreshnessBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    List<Long> totalsMicros = new ArrayList<>();
    List<Long> budgetsMicros = new ArrayList<>();
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      String rule = "{\"id\":\"" + RULE + "\",\"budget_usd\":1000,\"window\":\"1d\",\"per\":\"user_id\"}";
      producer.send(new ProducerRecord<>(rulesTopic, RULE, rule)).get();
      long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
      while (get("/v1/budgets/" + RULE + "?key=nobody").statusCode() != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("rule " + RULE + " not in force at " + url);
        }
        Thread.sleep(100);
      }
      String run = Long.toHexString(System.currentTimeMillis());
      for (int i = 0; i < probes; i++) {
        String user = "fresh-" + run + "-" + i;
        String id = "freshness-" + run + "-" + i;
        producer.send(new ProducerRecord<>(rawTopic, id, request(id, user))).get();
        long acked = System.nanoTime();
        long totalsAt = 0;
        long budgetsAt = 0;
        while (totalsAt == 0 || budgetsAt == 0) {
          if (System.nanoTime() - acked > GIVE_UP_AFTER.toNanos()) {
            throw new IllegalStateException(user + "'s request not counted after " + GIVE_UP_AFTER.toSeconds() + " s");
          }
          if (totalsAt == 0 && counted(get("/v1/totals?dimension=user&key=" + user + "&window=1d"), "requests")) {
            totalsAt = System.nanoTime();
          }
          if (budgetsAt == 0 && counted(get("/v1/budgets/" + RULE + "?key=" + user), "spent")) {
            budgetsAt = System.nanoTime();
          }
          Thread.sleep(POLL_EVERY.toMillis()); // a few ms of resolution, not a thousand queries a second
        }
        totalsMicros.add((totalsAt - acked) / 1000);
        budgetsMicros.add((budgetsAt - acked) / 1000);
        Thread.sleep(pause.toMillis());
      }
    }
    System.out.printf("{\"probes\":%d,\"totals\":%s,\"budgets\":%s}%n", probes, summary(totalsMicros),
        summary(budgetsMicros));
    return 0;
  }

  /** One OpenAI call of {@code user} now, as a gateway logs it. */
  private static String request(String id, String user) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("request_id", id).put("event_type", "response").put("timestamp", Instant.now().toString())
        .put("provider", "openai").put("status", 200);
    e.putObject("headers").put("Helicone-User-Id", user);
    e.putObject("request_body").put("model", "gpt-4o-mini").putArray("messages").addObject().put("role", "user")
        .put("content", "hello");
    ObjectNode body = e.putObject("response_body");
    body.put("id", "chatcmpl-" + id).put("object", "chat.completion").put("model", "gpt-4o-mini");
    body.putArray("choices").addObject().putObject("message").put("role", "assistant").put("content", "hi");
    body.putObject("usage").put("prompt_tokens", 1000).put("completion_tokens", 100).put("total_tokens", 1100);
    return e.toString();
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return client.send(RunRequests.to(url, pathAndQuery, token).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Whether a 200 answer's {@code field} is above zero (503 while a store cannot answer: not yet). */
  private static boolean counted(HttpResponse<byte[]> answer, String field) throws Exception {
    if (answer.statusCode() != 200) {
      return false;
    }
    JsonNode o = Json.MAPPER.readTree(new String(answer.body(), StandardCharsets.UTF_8));
    return o.path(field).decimalValue().signum() > 0;
  }

  private static String summary(List<Long> micros) {
    List<Long> sorted = micros.stream().sorted().toList();
    return String.format("{\"min_ms\":%.0f,\"p50_ms\":%.0f,\"p90_ms\":%.0f,\"max_ms\":%.0f}",
        sorted.get(0) / 1000.0, Stats.percentile(sorted, 50) / 1000, Stats.percentile(sorted, 90) / 1000,
        sorted.get(sorted.size() - 1) / 1000.0);
  }
}
