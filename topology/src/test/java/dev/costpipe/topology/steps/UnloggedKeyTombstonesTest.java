package dev.costpipe.topology.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.Events;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.TopologyFixture;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * With a record cache and exactly-once, the open-requests changelog gets nothing for a request opened and
 * completed between two commits (the test driver commits after each record: a one-event request), and still a
 * value per commit and a closing tombstone for one whose events spanned commits, so that a restore does not bring
 * it back. At least once, every removal is written.
 */
class UnloggedKeyTombstonesTest {

  @Test
  void aRequestTheChangelogNeverHadWritesNoTombstoneOneItHadIsStillRemoved() {
    try (TopologyFixture f = new TopologyFixture(new Properties(), cached(StreamsConfig.EXACTLY_ONCE_V2))
        .withBuiltInPrices()) {
      var changelog = openRequestsChangelog(f);
      f.send(Events.openAi("whole", "2026-06-01T00:00:05Z", "gpt-4o", 100, 10, Map.of()));
      assertThat(f.readCosts()).hasSize(1);
      assertThat(changelog.readRecordsToList()).isEmpty();

      List<String> stream = Events.anthropicStream("spread", "2026-06-01T00:00:06Z", 1000, 50);
      stream.forEach(f::send);
      assertThat(f.readCosts()).hasSize(1);
      List<TestRecord<String, byte[]>> written = changelog.readRecordsToList();
      assertThat(written).hasSize(stream.size()).allSatisfy(r -> assertThat(r.key()).isEqualTo("spread"));
      assertThat(written.subList(0, stream.size() - 1)).allSatisfy(r -> assertThat(r.value()).isNotNull());
      assertThat(written.get(stream.size() - 1).value()).isNull();
    }
  }

  @Test
  void atLeastOnceEveryRemovalIsStillWritten() {
    try (TopologyFixture f = new TopologyFixture(new Properties(), cached(StreamsConfig.AT_LEAST_ONCE))
        .withBuiltInPrices()) {
      var changelog = openRequestsChangelog(f);
      f.send(Events.openAi("whole", "2026-06-01T00:00:05Z", "gpt-4o", 100, 10, Map.of()));
      assertThat(changelog.readRecordsToList()).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo("whole");
        assertThat(r.value()).isNull();
      });
    }
  }

  private static Properties cached(String guarantee) {
    Properties p = new Properties();
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 1L << 20);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    return p;
  }

  private static TestOutputTopic<String, byte[]> openRequestsChangelog(TopologyFixture f) {
    return f.driver.createOutputTopic(StateChangelogs.topic("costpipe-test", ChunkMergeStep.OPEN_STORE),
        new StringDeserializer(), new ByteArrayDeserializer());
  }
}
