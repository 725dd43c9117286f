package dev.costpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.ServerProcesses;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.pricing.PricingHolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The whole topology in a TopologyTestDriver, with its topics as test topics. */
public final class TopologyFixture implements AutoCloseable {
  public final TopologyConfig config;
  public final PipelineCounters counters = new PipelineCounters();
  /** The rules in force as the topology's global store keeps them. */
  public final AlertRulesHolder alertRules = new AlertRulesHolder();
  public final TopologyTestDriver driver;
  public final TestInputTopic<String, String> raw;
  public final TestInputTopic<byte[], byte[]> rawBytes;
  public final TestInputTopic<String, String> pricing;
  public final TestInputTopic<String, String> rules;
  public final TestOutputTopic<String, String> costs;
  public final TestOutputTopic<String, String> aggregates;
  public final TestOutputTopic<String, String> alerts;
  public final TestOutputTopic<byte[], byte[]> deadLetters;
  private final Path stateDir;

  public TopologyFixture() {
    this(new Properties());
  }

  /**
   * Unless {@code costpipe} says otherwise, contributions go to the windows at once (combine interval 0s), so that an
   * update comes out as its request's cost record does; {@code CombineStepTest} drives the combined path.
   */
  public TopologyFixture(Properties costpipe) {
    this(costpipe, new Properties());
  }

  /** @param streamsSettings Kafka Streams settings over {@link #driverSettings} */
  public TopologyFixture(Properties costpipe, Properties streamsSettings) {
    Properties settings = new Properties();
    settings.setProperty(CostpipeSettings.AGGREGATE_COMBINE_INTERVAL.key(), "0s");
    settings.putAll(costpipe);
    config = TopologyConfig.from(settings);
    try {
      stateDir = Files.createTempDirectory("costpipe-ttd");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties streams = driverSettings(stateDir);
    streams.putAll(streamsSettings);
    driver = new TopologyTestDriver(
        new CostpipeTopology(config, new PricingHolder(), alertRules, counters).build(),
        streams, Instant.parse("2026-06-01T00:00:00Z"));
    StringSerializer s = new StringSerializer();
    raw = driver.createInputTopic(config.rawEventsTopic(), s, s);
    rawBytes = driver.createInputTopic(config.rawEventsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    pricing = driver.createInputTopic(config.pricingTopic(), s, s);
    rules = driver.createInputTopic(config.alertRulesTopic(), s, s);
    StringDeserializer d = new StringDeserializer();
    costs = driver.createOutputTopic(config.costsTopic(), d, d);
    aggregates = driver.createOutputTopic(config.aggregatesTopic(), d, d);
    alerts = driver.createOutputTopic(config.alertsTopic(), d, d);
    deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** A test driver's settings, state in {@code stateDir}, without a cache: each update comes out at once. */
  public static Properties driverSettings(Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "costpipe-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    return p;
  }

  /** Publishes the built-in catalogue to the pricing topic, as the application does on an empty one. */
  public TopologyFixture withBuiltInPrices() {
    for (PricingEntry e : CatalogueLoader.builtIn().entries()) {
      publishPrice(e);
    }
    return this;
  }

  public void publishPrice(PricingEntry e) {
    pricing.pipeInput(e.modelKey(), PricingEntryJson.write(e));
  }

  /** Pipes a raw event keyed by its request_id, with the record timestamp of its own timestamp. */
  public void send(String json) {
    JsonNode n = read(json);
    String ts = n.path("timestamp").asText(null);
    Instant at = ts == null ? Instant.parse("2026-06-01T00:00:00Z") : Instant.parse(ts);
    raw.pipeInput(new TestRecord<>(n.path("request_id").asText(), json, at));
  }

  public List<CostRecord> readCosts() {
    List<CostRecord> out = new ArrayList<>();
    costs.readValuesToList().forEach(v -> out.add(CostRecordJson.read(v)));
    return out;
  }

  public List<JsonNode> readAggregates() {
    return aggregates.readValuesToList().stream().map(TopologyFixture::read).toList();
  }

  public List<JsonNode> readAlerts() {
    return alerts.readValuesToList().stream().map(TopologyFixture::read).toList();
  }

  public static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    driver.close();
    ServerProcesses.deleteRecursively(stateDir);
  }

  /** The last of each window's updates (aggregate JSON), by dimension, value, window size and start. */
  public static Map<String, JsonNode> latestWindows(List<JsonNode> updates) {
    Map<String, JsonNode> latest = new TreeMap<>();
    for (JsonNode u : updates) {
      latest.put(u.path("dimension").asText() + "/" + u.path("dimension_value").asText() + "/"
          + u.path("window").asText() + "/" + u.path("window_start").asText(), u);
    }
    return latest;
  }
}
