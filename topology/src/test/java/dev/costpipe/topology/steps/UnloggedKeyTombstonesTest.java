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
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * With a record cache, the open-requests changelog gets nothing for a request opened and completed between two
 * commits (the test driver commits after each record: a one-event request), and still a value per commit and a closing tombstone for one
 * whose events spanned commits, so that a restore does not bring it back.
 */
class UnloggedKeyTombstonesTest {

  @Test
  void aRequestTheChangelogNeverHadWritesNoTombstoneOneItHadIsStillRemoved() {
    Properties cached = new Properties();
    cached.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 1L << 20);
    try (TopologyFixture f = new TopologyFixture(new Properties(), cached).withBuiltInPrices()) {
      var changelog = f.driver.createOutputTopic(StateChangelogs.topic("costpipe-test", ChunkMergeStep.OPEN_STORE),
          new StringDeserializer(), new ByteArrayDeserializer());

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
}
