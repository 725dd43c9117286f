package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.WAIT;
import static dev.costpipe.topology.it.PipelineHarness.assertExactTotals;
import static dev.costpipe.topology.it.PipelineHarness.awaitRawTopic;
import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static dev.costpipe.topology.it.PipelineHarness.waitForCosts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.steps.FutureEventTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import dev.costpipe.contracts.DeadLetterHeaders;
import org.junit.jupiter.api.Test;

/**
 * Faults that come from producers, on a real broker: a clock hours ahead, and a partitioner other than
 * Kafka's murmur2 (librdkafka's CRC32, the default of the Python, Go and Node clients).
 */
class ProducerFaultIntegrationTest {

  @Test
  void anEventThreeHoursInTheFutureIsPricedAtIngestionAndFlaggedAndTheGoodOnesBehindItFlowWithinSeconds()
      throws Exception {
    Properties settings = settings(KafkaTestBroker.shared().bootstrapServers(), "future-event");
    Path log = Files.createTempFile("costpipe-it-future-event", ".log");
    Process app = startChild(settings, "384m", log);
    try {
      awaitRawTopic(settings);
      send(settings, null, List.of(new Event("warm-up", event("warm-up", Instant.now()))));
      waitForCosts(settings, 1);
      // the good requests share the future one's partition, behind it
      int partition = murmur2Partition("future", 3);
      List<Event> events = new ArrayList<>();
      Instant future = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
      events.add(new Event("future", event("future", future)));
      for (int i = 0; events.size() < 21; i++) {
        if (murmur2Partition("good-" + i, 3) == partition) {
          events.add(new Event("good-" + i, event("good-" + i, Instant.now())));
        }
      }
      Instant sent = Instant.now();
      send(settings, null, events);

      var costs = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.costs"), got -> got.size() >= 22, WAIT);
      Duration took = Duration.between(sent, Instant.now());
      Map<String, CostRecord> byId = new HashMap<>();
      costs.forEach(r -> byId.put(r.key(), CostRecordJson.read(r.value())));
      assertThat(byId).as("log " + log).hasSize(22).containsKey("future");
      assertThat(took).as("every good request priced within seconds").isLessThan(Duration.ofSeconds(30));
      CostRecord flagged = byId.get("future");
      assertThat(flagged.errors()).containsExactly(FutureEventTime.ERROR + future);
      assertThat(flagged.timestamp()).isBetween(sent.minusSeconds(5), Instant.now());
      assertThat(flagged.costNanoUsd()).isEqualTo(byId.get("warm-up").costNanoUsd());

      // its contribution reached the windows through the dimension repartition topic, in its ingestion's day
      long requests = latestTotals(settings, 22).values().stream()
          .mapToLong(n -> n.path("requests").asLong()).sum();
      assertThat(requests).isEqualTo(22);
      assertThat(app.isAlive()).isTrue();
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void requestsSplitBetweenACrc32AndAMurmur2ProducerKeyedOrNotGiveTheSameResultsAsMurmur2Only() throws Exception {
    Properties settings = settings(KafkaTestBroker.shared().bootstrapServers(), "crc32-producer");
    MixedTraffic traffic = new MixedTraffic(0, 12);
    List<Event> crc32 = new ArrayList<>();
    List<Event> murmur2 = new ArrayList<>();
    Random random = new Random(12);
    for (int i = 0; i < 240; i++) {
      String id = "split-" + i;
      String at = Instant.parse("2026-06-01T10:00:00Z").plusSeconds(i).toString();
      Map<String, String> headers = Map.of("Helicone-User-Id", "user-" + i % 7);
      if (i % 2 == 0) {
        // a stream: the request and first chunk from one producer (keyed or not), the rest from the other; the
        // last chunk and the response from one producer, in order, as the contract asks
        List<String> e = Events.anthropicStream(id, at, 100 + i, 10 + i);
        List<Event> first = random.nextBoolean() ? crc32 : murmur2;
        List<Event> rest = first == crc32 ? murmur2 : crc32;
        String requestKey = random.nextInt(3) == 0 ? null : id;
        add(traffic, first, requestKey, id, e.get(0));
        add(traffic, first, id, id, e.get(1));
        for (String later : e.subList(2, e.size())) {
          add(traffic, rest, id, id, later);
        }
      } else {
        // one event, sent by both producers (a retry): priced once
        String call = Events.openAi(id, at, "gpt-4o-mini", 500 + i, 50, headers);
        add(traffic, crc32, random.nextInt(3) == 0 ? null : id, id, call);
        murmur2.add(new Event(random.nextInt(3) == 0 ? null : id, call));
      }
    }
    Path log = Files.createTempFile("costpipe-it-crc32-producer", ".log");
    Process app = startChild(settings, "384m", log);
    try {
      awaitRawTopic(settings);
      putRule(settings, traffic);
      send(settings, Crc32Partitioner.class, crc32);
      send(settings, null, murmur2);
      assertExactTotals(settings, traffic);
      assertThat(app.isAlive()).as("log " + log).isTrue();
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWriteTheBrokerRefusesIsDeadLetteredAfterOneAbortedTransactionAndThePartitionFlowsOn() throws Exception {
    Properties settings = settings(KafkaTestBroker.shared().bootstrapServers(), "refused-write");
    Path log = Files.createTempFile("costpipe-it-refused-write", ".log");
    Process app = startChild(settings, "384m", log);
    try {
      awaitRawTopic(settings);
      send(settings, null, List.of(new Event("warm-up", event("warm-up", Instant.now()))));
      waitForCosts(settings, 1);
      // a topic policy the parse step cannot know: the windows' contributions refused when over an hour old
      String repartition = settings.getProperty("application.id") + "-cost-by-dimension-repartition";
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", settings.getProperty("bootstrap.servers")))) {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, repartition),
            List.of(new AlterConfigOp(new ConfigEntry("message.timestamp.before.max.ms", "3600000"),
                AlterConfigOp.OpType.SET)))).all().get();
      }
      int partition = murmur2Partition("two-hours-old", 3);
      List<Event> events = new ArrayList<>();
      events.add(new Event("two-hours-old", event("two-hours-old", Instant.now().minus(2, ChronoUnit.HOURS))));
      for (int i = 0; events.size() < 11; i++) {
        if (murmur2Partition("behind-" + i, 3) == partition) {
          events.add(new Event("behind-" + i, event("behind-" + i, Instant.now())));
        }
      }
      send(settings, null, events);

      var costs = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.costs"), got -> got.size() >= 12, WAIT);
      assertThat(costs).as("log " + log).extracting(r -> r.key())
          .containsAll(events.stream().map(Event::key).toList());
      // every request behind it reached the windows; the old one's contributions are dead letters with a reason
      assertThat(latestTotals(settings, 11).values().stream().mapToLong(n -> n.path("requests").asLong()).sum())
          .isEqualTo(11);
      var refused = TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
          settings.getProperty("costpipe.topic.dead-letter"), got -> !got.isEmpty(), WAIT);
      assertThat(refused).allSatisfy(r -> {
        assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
            .isEqualTo("write_refused");
        assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.MESSAGE).value(), StandardCharsets.UTF_8))
            .contains(repartition);
      });
      assertThat(app.isAlive()).isTrue();
    } finally {
      app.destroy();
      app.waitFor(60, TimeUnit.SECONDS);
    }
    String counters = Files.readAllLines(log).stream().filter(l -> l.contains("costpipe stopped; counters"))
        .findFirst().orElseThrow();
    assertThat(counters).as("log " + log).contains("produce.diverted=", "produce.refused.");
    var replaced = java.util.regex.Pattern.compile("streams.thread_replaced=(\\d+)").matcher(counters);
    assertThat(replaced.find() ? Integer.parseInt(replaced.group(1)) : 0).as("thread replacements; log " + log)
        .isLessThanOrEqualTo(1);
  }

  private record Event(String key, String value) {}

  /** Adds a good event to what the traffic must give, to be sent with {@code key} by {@code producer}. */
  private static void add(MixedTraffic traffic, List<Event> producer, String key, String id, String value) {
    traffic.add(id, value);
    producer.add(new Event(key, value));
  }

  private static String event(String id, Instant at) {
    return Events.openAi(id, at.toString(), "gpt-4o-mini", 1000, 100, Map.of("Helicone-User-Id", "u"));
  }

  private static int murmur2Partition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Sends the events in order with the given partitioner (Kafka's default when null) and waits for them. */
  private static void send(Properties settings, Class<? extends Partitioner> partitioner, List<Event> events)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    if (partitioner != null) {
      p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, partitioner.getName());
    }
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Event e : events) {
        sent.add(producer.send(new ProducerRecord<>(settings.getProperty("costpipe.topic.raw-events"), e.key(),
            e.value())));
      }
      for (var f : sent) {
        f.get();
      }
    }
  }

  /** The latest totals of every daily window of {@code total}, once they count {@code requests} requests. */
  private static Map<String, JsonNode> latestTotals(Properties settings, long requests) {
    Map<String, JsonNode> latest = new HashMap<>();
    TopicReader.readUntil(settings.getProperty("bootstrap.servers"), settings.getProperty("costpipe.topic.cost-aggregates"),
        got -> {
          latest.clear();
          got.stream().filter(r -> r.key().startsWith("total/all/1d/")).forEach(r -> latest.merge(r.key(),
              TopologyFixture.read(r.value()), (a, b) -> b.path("version").asLong() >= a.path("version").asLong() ? b : a));
          return latest.values().stream().mapToLong(n -> n.path("requests").asLong()).sum() >= requests;
        }, WAIT);
    return latest;
  }
}
