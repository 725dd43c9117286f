package dev.costpipe.contracts.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void everyUnitOfTheShortForm() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("90d")).isEqualTo(Duration.ofDays(90));
    assertThat(Durations.parse("0s")).isZero();
  }

  @Test
  void sumsCaseAndSpaceAroundAreAccepted() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
    assertThat(Durations.parse(" 10M ")).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void isoEightSixOhOneStillReads() {
    assertThat(Durations.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("P1D")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("PT24H")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("PT0.5S")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("pt10s")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void whatIsNoDurationIsRefusedWithOneMessage() {
    for (String bad : new String[] {"soon", "", "10", "10 m", "1w", "1.5h", "m", "PT", "P1Y", "1d2",
        "99999999999999999999d"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("not a duration: '" + bad.strip() + "' (use 500ms, 30s, 5m, 1h, 1d, or ISO-8601 like PT10M)");
    }
    assertThatThrownBy(() -> Durations.parse("-PT1M")).hasMessage("not a duration: '-PT1M' is negative");
    assertThatThrownBy(() -> Durations.parse("PT-1M")).hasMessage("not a duration: 'PT-1M' is negative");
  }

  @Test
  void printedInTheLargestWholeUnit() {
    assertThat(Durations.format(Duration.ofDays(1))).isEqualTo("1d");
    assertThat(Durations.format(Duration.ofHours(24 * 90))).isEqualTo("90d");
    assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    for (String s : new String[] {"500ms", "30s", "5m", "1h", "1d", "90d"}) {
      assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
    }
  }
}
