package dev.costpipe.topology.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A key put several times between two commits (the test driver commits after each input record; here one record
 * makes several puts) is serialized and reaches the changelog once, with its last value and the record's time;
 * reads and scans in between see what was put; a removal goes through at once, and a key put and removed between
 * two commits writes nothing (under exactly-once, with {@link UnloggedKeyTombstones}).
 */
class WriteBehindStoreTest {
  private static final String STORE = "held";

  @Test
  void aKeyPutManyTimesBetweenCommitsIsSerializedAndLoggedOnceWithItsLastValue() throws Exception {
    AtomicInteger serialized = new AtomicInteger();
    List<String> seen = new ArrayList<>();
    try (TopologyTestDriver driver = driver(serialized, seen)) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      var changelog = driver.createOutputTopic("app-" + STORE + "-changelog", new StringDeserializer(),
          new StringDeserializer());

      in.pipeInput("a", "1,2,3", 1_000);
      assertThat(serialized).hasValue(1);
      List<TestRecord<String, String>> written = changelog.readRecordsToList();
      assertThat(written).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo("a");
        assertThat(r.value()).isEqualTo("3");
        assertThat(r.timestamp()).isEqualTo(1_000);
      });
      assertThat(seen).containsExactly("get a=3", "all a=3");
      KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);
      assertThat(store.get("a")).isEqualTo("3");

      in.pipeInput("b", "4,-", 2_000);
      assertThat(changelog.readRecordsToList()).isEmpty(); // put and removed before the commit
      in.pipeInput("a", "-", 3_000);
      assertThat(changelog.readRecordsToList()).singleElement().satisfies(r -> assertThat(r.value()).isNull());
      assertThat(store.get("a")).isNull();
    }
  }

  @Test
  void aKeyReadMissingThenPutAndRemovedIsRemovedEverywhereAndLoggedOnlyOnceItReachedTheChangelog() throws Exception {
    try (TopologyTestDriver driver = driver(new AtomicInteger(), new ArrayList<>())) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      var changelog = driver.createOutputTopic("app-" + STORE + "-changelog", new StringDeserializer(),
          new StringDeserializer());
      KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);

      in.pipeInput("c", "?,1,-", 1_000); // missing below, put, removed before the commit
      assertThat(changelog.readRecordsToList()).isEmpty();
      assertThat(store.get("c")).isNull();

      in.pipeInput("d", "?,2", 2_000); // missing below, then written at the commit
      assertThat(changelog.readRecordsToList()).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo("2"));
      in.pipeInput("d", "?,3,-", 3_000); // found below: its removal reaches it
      assertThat(changelog.readRecordsToList()).singleElement().satisfies(r -> assertThat(r.value()).isNull());
      assertThat(store.get("d")).isNull();

      in.pipeInput("d", "?,4", 4_000); // removed below before: missing again
      in.pipeInput("d", "?,-", 5_000);
      assertThat(changelog.readRecordsToList()).extracting(TestRecord::value).containsExactly("4", null);
      assertThat(store.get("d")).isNull();
    }
  }

  /**
   * For each record: its value's comma-separated puts under its key ("-" removes it, "?" reads it), then a get and
   * a scan.
   */
  private static TopologyTestDriver driver(AtomicInteger serialized, List<String> seen) throws Exception {
    Serde<String> counting = Serdes.serdeFrom((topic, v) -> {
      serialized.incrementAndGet();
      return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
    }, new StringDeserializer());
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(WriteBehindStore.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
        Serdes.String(), counting).withCachingEnabled().withLoggingEnabled(Map.of())));
    b.stream("in", Consumed.with(Serdes.String(), Serdes.String())).process(() -> new Processor<String, String, Void, Void>() {
      private KeyValueStore<String, String> store;

      @Override
      public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(STORE);
        UnloggedKeyTombstones.skip(store, context.appConfigs());
      }

      @Override
      public void process(Record<String, String> record) {
        for (String v : record.value().split(",")) {
          if (v.equals("-")) {
            store.delete(record.key());
          } else if (v.equals("?")) {
            store.get(record.key());
          } else {
            store.put(record.key(), v);
          }
        }
        String value = store.get(record.key());
        if (value != null) {
          seen.add("get " + record.key() + "=" + value);
          try (var all = store.all()) {
            all.forEachRemaining((KeyValue<String, String> kv) -> seen.add("all " + kv.key + "=" + kv.value));
          }
        }
      }
    }, STORE);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("write-behind").toString());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 1L << 20);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return new TopologyTestDriver(b.build(), p);
  }
}
