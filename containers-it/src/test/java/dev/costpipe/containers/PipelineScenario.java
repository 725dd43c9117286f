package dev.costpipe.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import dev.costpipe.engine.json.Json;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import dev.costpipe.clickhouse.sink.ClickHouseSink;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.app.CostpipeApplication;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One run of the whole pipeline on whatever Kafka and ClickHouse it is given: the README's example raw
 * events through the real topology ({@link CostpipeApplication}) and the real sink ({@link ClickHouseSink},
 * its migrations and views), then every view and table read back. The results are canonical (rows sorted,
 * numbers compared by value, the insert time left out), so two servers' answers compare with equals.
 */
final class PipelineScenario {
  static final Path RAW_EVENTS = Path.of("../deploy/examples/raw-events.jsonl");
  static final String DATABASE = "costpipe";
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** The tables with their columns but ingested_at (the time of the insert differs from run to run). */
  private static final Map<String, String> TABLES = Map.of(
      "request_costs", "request_costs FINAL",
      "cost_aggregates", "cost_aggregates FINAL",
      "cost_alerts", "cost_alerts FINAL");

  private PipelineScenario() {}

  /** The ClickHouse a run writes to. */
  record ClickHouse(String url, String user, String password) {}

  /** Runs the pipeline; returns query name → canonical rows. */
  static Map<String, List<String>> run(String bootstrapServers, ClickHouse clickHouse, Path stateDir)
      throws Exception {
    String run = "scenario-" + UUID.randomUUID();
    Properties app = new Properties();
    app.setProperty("bootstrap.servers", bootstrapServers);
    app.setProperty("application.id", run);
    app.setProperty("state.dir", stateDir.toString());
    // the example's incomplete request is flushed after 2 s instead of 10 min
    app.setProperty("costpipe.merge.inactivity-timeout", "PT2S");
    app.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    app.setProperty("costpipe.topics.partitions", "2");
    TopologyConfig topics = TopologyConfig.from(app);
    try (CostpipeApplication pipeline = new CostpipeApplication(app)) {
      pipeline.start();
      produceRawEvents(bootstrapServers, topics.rawEventsTopic());
      // every raw event consumed and the idle request flushed: the group's offsets reach the log end
      awaitCaughtUp(bootstrapServers, run, List.of(topics.rawEventsTopic()));
      Thread.sleep(3_000); // past the inactivity timeout, then one more commit of the flush
      awaitCaughtUp(bootstrapServers, run, List.of(topics.rawEventsTopic()));
    }

    Properties sink = new Properties();
    sink.setProperty("bootstrap.servers", bootstrapServers);
    sink.setProperty("group.id", run + "-sink");
    sink.setProperty("costpipe.sink.clickhouse.url", clickHouse.url());
    sink.setProperty("costpipe.sink.clickhouse.database", DATABASE);
    sink.setProperty("costpipe.sink.clickhouse.user", clickHouse.user());
    if (!clickHouse.password().isEmpty()) { // an empty password is refused: the 18.16 test server's user has none
      sink.setProperty("costpipe.sink.clickhouse.password", clickHouse.password());
    }
    sink.setProperty("costpipe.sink.clickhouse.batch-ms", "200");
    ClickHouseSinkConfig config = ClickHouseSinkConfig.from(sink);
    ClickHouseSink writer = new ClickHouseSink(config);
    Thread thread = new Thread(writer::run, "clickhouse-sink");
    thread.start();
    try {
      awaitCaughtUp(bootstrapServers, run + "-sink", config.sourceTopics());
    } finally {
      writer.close();
      thread.join();
    }
    return read(config);
  }

  private static void produceRawEvents(String bootstrapServers, String topic) throws Exception {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrapServers);
    p.setProperty("acks", "all");
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (String line : Files.readAllLines(RAW_EVENTS)) {
        String key = null;
        try {
          key = Json.MAPPER.readTree(line).path("request_id").asText(null);
        } catch (Exception notJson) {
          // the example holds bad lines on purpose: they go to the dead-letter topic
        }
        producer.send(new ProducerRecord<>(topic, key, line)).get();
      }
    }
  }

  /**
   * Waits until the group has committed past the last record of every partition of the topics. (Not the
   * log end: a transactional producer's commit marker follows its last record, and a consumer that read
   * only a marker has nothing to commit.)
   */
  private static void awaitCaughtUp(String bootstrapServers, String group, List<String> topics) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrapServers);
    Map<TopicPartition, Long> lastRecords = afterLastRecords(p, topics);
    try (Admin admin = Admin.create(p)) {
      await("group " + group + " to commit " + lastRecords, () -> {
        try {
          Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
          return lastRecords.entrySet().stream().allMatch(e ->
              committed.containsKey(e.getKey()) && committed.get(e.getKey()).offset() >= e.getValue());
        } catch (Exception e) {
          return false;
        }
      });
    }
  }

  /** Partition → offset after its last committed record, for the partitions holding any. */
  private static Map<TopicPartition, Long> afterLastRecords(Properties kafka, List<String> topics) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.setProperty("isolation.level", "read_committed");
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      topics.forEach(t -> consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition()))));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      await("reading " + topics + " to the end", () -> {
        consumer.poll(Duration.ofMillis(200))
            .forEach(r -> out.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max));
        return parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    return out;
  }

  private static Map<String, List<String>> read(ClickHouseSinkConfig config) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (Client client = config.newClient()) {
      for (String view : ClickHouseMigrations.VIEWS) {
        String name = view.substring(0, view.length() - ".sql".length());
        out.put(name, query(client, "SELECT * FROM " + DATABASE + "." + name));
      }
      for (var table : TABLES.entrySet()) {
        List<String> columns = new ArrayList<>();
        for (String row : query(client, "SELECT name FROM system.columns WHERE database = '" + DATABASE
            + "' AND table = '" + table.getKey() + "' AND name != 'ingested_at'")) {
          columns.add("`" + Json.MAPPER.readTree(row).path("name").asText() + "`");
        }
        out.put(table.getKey(), query(client, "SELECT " + String.join(", ", columns) + " FROM " + DATABASE + "."
            + table.getValue()));
      }
    }
    return out;
  }

  /** The rows as canonical JSON (numbers and numeric strings as plain decimals without trailing zeros), sorted. */
  private static List<String> query(Client client, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (QueryResponse response = client.query(sql + " FORMAT JSONEachRow").get(60, TimeUnit.SECONDS);
        var reader = new BufferedReader(new InputStreamReader(response.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          rows.add(Json.MAPPER.writeValueAsString(canonical(Json.MAPPER.readTree(line))));
        }
      }
    }
    rows.sort(null);
    return rows;
  }

  private static JsonNode canonical(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      n.fields().forEachRemaining(e -> o.set(e.getKey(), canonical(e.getValue())));
      return o;
    }
    if (n.isArray()) {
      var a = Json.MAPPER.createArrayNode();
      n.forEach(e -> a.add(canonical(e)));
      return a;
    }
    BigDecimal number = n.isNumber() ? n.decimalValue() : n.isTextual() ? decimal(n.textValue()) : null;
    if (number != null) {
      BigDecimal s = number.stripTrailingZeros();
      return Json.MAPPER.getNodeFactory().textNode((s.scale() < 0 ? s.setScale(0) : s).toPlainString());
    }
    return n;
  }

  private static BigDecimal decimal(String s) {
    if (!s.matches("-?\\d+(\\.\\d+)?")) {
      return null;
    }
    return new BigDecimal(s);
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  /** The expected results recorded on ClickHouse 18.16 (see {@link RecordExpectedResults}). */
  static Map<String, List<String>> expectedOn1816() throws Exception {
    JsonNode root = Json.MAPPER.readTree(PipelineScenario.class.getResourceAsStream(RecordExpectedResults.RESOURCE));
    Map<String, List<String>> out = new TreeMap<>();
    root.fields().forEachRemaining(e -> {
      List<String> rows = new ArrayList<>();
      e.getValue().forEach(r -> rows.add(r.asText()));
      out.put(e.getKey(), rows);
    });
    return out;
  }
}
