package dev.costpipe.bench;

import com.google.protobuf.ByteString;
import dev.costpipe.http.HttpSettings;
import dev.costpipe.ingest.EventProducer;
import dev.costpipe.ingest.IngestServer;
import dev.costpipe.ingest.IngestSettings;
import dev.costpipe.testsupport.KafkaTestBroker;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The bounded load run of {@code costpipe ingest} (bench/ingest-load.sh): a local broker, the ingest server
 * in this JVM, and {@code clients} concurrent HTTP clients posting for {@code seconds} — OTLP/HTTP protobuf
 * requests of 100 GenAI spans, then LiteLLM arrays of 100 payloads. It reports the usage events per second
 * acknowledged (every 2xx means Kafka acknowledged the body's events; the topic's end offsets are checked
 * against them), the request latency p50/p99, and non-2xx answers.
 */
public final class IngestLoad {
  private static final int BATCH = 100;
  private static final int DISTINCT_BODIES = 200;

  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    System.out.println("machine: " + MachineInfo.describe());
    KafkaTestBroker broker = KafkaTestBroker.shared();
    for (String kind : List.of("otlp", "litellm")) {
      String topic = "ingest-load-" + kind + "-" + UUID.randomUUID();
      broker.createTopic(topic, 3, Map.of());
      Properties kafka = new Properties();
      kafka.put("bootstrap.servers", broker.bootstrapServers());
      IngestSettings settings = new IngestSettings(new HttpSettings("127.0.0.1", null), 0, topic, 16 << 20,
          Duration.ofSeconds(10), 16, Duration.ofSeconds(2));
      try (IngestServer server = IngestServer.start(settings, new EventProducer(kafka, topic, Duration.ofSeconds(10)))) {
        boolean otlp = kind.equals("otlp");
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < DISTINCT_BODIES; i++) {
          bodies.add(otlp ? otlpBody(i) : litellmBody(i));
        }
        run(kind, "http://127.0.0.1:" + server.port() + (otlp ? "/v1/traces" : "/v1/litellm"),
            otlp ? "application/x-protobuf" : "application/json", bodies, clients, seconds, broker, topic);
      }
    }
    System.exit(0);
  }

  private static void run(String kind, String url, String type, List<byte[]> bodies, int clients, int seconds,
      KafkaTestBroker broker, String topic) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // warm-up: JIT, producer metadata, connections
    long warmupUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    AtomicLong warmEvents = new AtomicLong();
    loop(http, url, type, bodies, clients, warmupUntil, Collections.synchronizedList(new ArrayList<>()),
        warmEvents, new AtomicLong());
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong events = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long self = ProcessHandle.current().pid();
    double cpu0 = CpuTime.seconds(self);
    double brokerCpu0 = CpuTime.seconds(broker.pid());
    long start = System.nanoTime();
    loop(http, url, type, bodies, clients, start + Duration.ofSeconds(seconds).toNanos(), latencies, events,
        failures);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = CpuTime.seconds(self) - cpu0;
    double brokerCpu = CpuTime.seconds(broker.pid()) - brokerCpu0;
    List<Long> sorted = latencies.stream().sorted().toList();
    long onTopic = endOffsets(broker, topic);
    System.out.printf("%s: %d clients, %d s, %d requests of %d: %.0f usage events/s acknowledged,"
            + " p50 %.1f ms, p99 %.1f ms, non-2xx %d; topic holds %d events, acknowledged %d (%s);"
            + " CPU (cores busy): ingest and clients JVM %.2f, broker %.2f%n",
        kind, clients, seconds, sorted.size(), BATCH, events.get() / elapsed, Stats.percentile(sorted, 50) / 1e6,
        Stats.percentile(sorted, 99) / 1e6, failures.get(), onTopic, events.get() + warmEvents.get(),
        onTopic >= events.get() + warmEvents.get() ? "every 2xx is on the topic" : "MISSING EVENTS",
        cpu / elapsed, brokerCpu / elapsed);
  }

  private static void loop(HttpClient http, String url, String type, List<byte[]> bodies, int clients,
      long until, List<Long> latencies, AtomicLong events, AtomicLong failures) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      done.add(pool.submit(() -> {
        int i = client;
        while (System.nanoTime() < until) {
          byte[] body = bodies.get(i++ % bodies.size());
          HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
          long t0 = System.nanoTime();
          HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
          latencies.add(System.nanoTime() - t0);
          if (r.statusCode() / 100 == 2) {
            events.addAndGet(BATCH);
          } else {
            failures.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private static long endOffsets(KafkaTestBroker broker, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("isolation.level", "read_committed");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
      return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static KeyValue attr(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  /** 100 chat spans as the OpenTelemetry SDK writes them: ids, times, provider, models, usage, a conversation. */
  static byte[] otlpBody(int n) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < BATCH; i++) {
      UUID id = UUID.randomUUID();
      ByteBuffer trace = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
          .putLong(id.getLeastSignificantBits());
      scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace.array()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id.getLeastSignificantBits()).array()))
          .setName("chat gpt-4o-mini").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
          .setEndTimeUnixNano(System.currentTimeMillis() * 1_000_000L + 800_000_000L)
          .addAttributes(attr("gen_ai.operation.name", "chat")).addAttributes(attr("gen_ai.provider.name", "openai"))
          .addAttributes(attr("gen_ai.request.model", "gpt-4o-mini"))
          .addAttributes(attr("gen_ai.response.model", "gpt-4o-mini-2024-07-18"))
          .addAttributes(attr("gen_ai.response.id", "chatcmpl-" + id))
          .addAttributes(attr("gen_ai.usage.input_tokens", 1200 + i))
          .addAttributes(attr("gen_ai.usage.output_tokens", 40 + n % 50))
          .addAttributes(attr("gen_ai.usage.cache_read.input_tokens", 1024))
          .addAttributes(attr("gen_ai.conversation.id", "conv-" + (n * BATCH + i) / 10))
          .addAttributes(attr("server.address", "api.openai.com")));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .addScopeSpans(scope)).build().toByteArray();
  }

  /** 100 LiteLLM payloads in one JSON array, shaped as its generic_api callback posts them (no messages). */
  static byte[] litellmBody(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < BATCH; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"id\":\"chatcmpl-").append(UUID.randomUUID()).append("\",\"trace_id\":\"tr-").append(n)
          .append("\",\"call_type\":\"acompletion\",\"stream\":false,\"status\":\"success\",")
          .append("\"custom_llm_provider\":\"anthropic\",\"startTime\":").append(System.currentTimeMillis() / 1000.0)
          .append(",\"model\":\"claude-3-5-sonnet-20241022\",\"response_cost\":0.0123,\"prompt_tokens\":3000,")
          .append("\"completion_tokens\":200,\"end_user\":\"user-").append(i % 17).append("\",")
          .append("\"metadata\":{\"user_api_key_team_alias\":\"search\",\"user_api_key_alias\":\"key-1\",")
          .append("\"usage_object\":{\"prompt_tokens\":3000,\"completion_tokens\":200,")
          .append("\"prompt_tokens_details\":{\"cached_tokens\":2048},\"cache_creation_input_tokens\":512}},")
          .append("\"hidden_params\":{\"litellm_model_name\":\"claude-3-5-sonnet-20241022\"},")
          .append("\"request_tags\":[\"prod\"]}");
    }
    return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }
}
