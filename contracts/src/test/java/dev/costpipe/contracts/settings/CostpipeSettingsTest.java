package dev.costpipe.contracts.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.contracts.SecretKeys;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CostpipeSettingsTest {
  @Test
  void declarationsAreWellFormed() {
    for (Setting<?> s : CostpipeSettings.all()) {
      assertThat(s.key()).as(s.key()).startsWith("costpipe.").doesNotContain("..", "--", "_", ".kafka.");
      assertThat(s.components()).as(s.key()).isNotEmpty();
      assertThat(s.doc()).as(s.key()).isNotBlank().doesNotContain("\n", "|");
      // every component that prints settings masks what is declared secret (the sink's toString, the notifier's)
      assertThat(SecretKeys.isSecret(s.key())).as(s.key()).isEqualTo(s.secret());
      if (s.defaultValue() != null) {
        assertThat(format(s)).as("%s's default is written as it is printed", s.key()).isEqualTo(s.defaultValue());
      }
    }
  }

  private static <T> String format(Setting<T> s) {
    return s.type().format(s.type().parse(s.defaultValue()));
  }

  @Test
  void aValueIsReadWithItsTypeAndADefaultWhenNoneIsGiven() {
    Properties p = new Properties();
    assertThat(CostpipeSettings.AGGREGATE_WINDOWS.read(p)).containsExactly(Duration.ofHours(1), Duration.ofDays(1));
    assertThat(CostpipeSettings.TOPICS_PARTITIONS.find(p)).isEmpty();
    assertThat(CostpipeSettings.TOPICS_PARTITIONS.read(p)).isNull();
    p.setProperty("costpipe.aggregate.windows", "5m,PT1H, 1d");
    p.setProperty("costpipe.topics.partitions", "6");
    assertThat(CostpipeSettings.AGGREGATE_WINDOWS.read(p))
        .isEqualTo(List.of(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(1)));
    assertThat(CostpipeSettings.TOPICS_PARTITIONS.find(p)).contains(6);
    p.setProperty("costpipe.topic.costs", "no spaces allowed");
    assertThatThrownBy(() -> CostpipeSettings.TOPIC_COSTS.read(p))
        .hasMessageStartingWith("costpipe.topic.costs: not a topic name");
  }

  @Test
  void anOldNameIsReadInItsOldUnit() {
    Properties p = new Properties();
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-ms", "750");
    assertThat(CostpipeSettings.SINK_RETRY_BACKOFF.read(p)).hasMillis(750);
    assertThat(CostpipeSettings.renamedFrom("costpipe.sink.clickhouse.retry-backoff-ms"))
        .contains(CostpipeSettings.SINK_RETRY_BACKOFF);
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-ms", "1s");
    assertThatThrownBy(() -> CostpipeSettings.SINK_RETRY_BACKOFF.read(p))
        .hasMessage("costpipe.sink.clickhouse.retry-backoff-ms: must be an integer, got '1s'");
  }

  @Test
  void anUnknownKeyUnderAPrefixIsRefusedWithTheClosestName() {
    Properties p = new Properties();
    p.setProperty("costpipe.sink.clickhouse.batch-row", "5");
    assertThatThrownBy(() -> CostpipeSettings.refuseUnknown(p, "costpipe.sink.clickhouse."))
        .hasMessage("unknown setting costpipe.sink.clickhouse.batch-row; did you mean costpipe.sink.clickhouse.batch-rows?");
    p.clear();
    p.setProperty("costpipe.sink.clickhouse.batch-ms", "5");
    CostpipeSettings.refuseUnknown(p, "costpipe.sink.clickhouse.");
  }
}
