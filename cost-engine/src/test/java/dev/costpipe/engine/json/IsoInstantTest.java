package dev.costpipe.engine.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

  @Test
  void readsEveryUtcInstantAsTheJdkDoes() {
    Random random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_402_300_799L),
          random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
      String text = t.toString();
      assertThat(IsoInstant.parse(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void readsEveryFractionLength() {
    for (String text : List.of("2026-06-01T00:00:05.1Z", "2026-06-01T00:00:05.12Z", "2026-06-01T00:00:05.123456Z",
        "2026-06-01T00:00:05.000000001Z", "2026-06-01T00:00:05.999999999Z", "2024-02-29T23:59:59.5Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z")) {
      assertThat(IsoInstant.parse(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void leavesOtherFormsToTheJdk() {
    for (String text : List.of("2026-06-01T00:00:05+02:00", "2026-06-01t00:00:05z", "2026-06-01T23:59:60Z",
        "+12026-06-01T00:00:05Z", "2026-06-01T00:00:05.1234567890Z")) {
      assertSameOutcome(text);
    }
  }

  @Test
  void refusesWhatTheJdkRefuses() {
    for (String text : List.of("2026-13-01T00:00:05Z", "2026-02-30T00:00:05Z", "2025-02-29T00:00:00Z",
        "2026-06-01T24:00:00Z", "2026-06-01T00:60:00Z", "2026-06-01T00:00:05.Z", "2026-06-01T00:00:05,5Z",
        "2026-06-01 00:00:05Z", "2026-06-01T00:00:05", "2026-6-01T00:00:05Z", "2026-06-01T00:00:0xZ",
        "２026-06-01T00:00:05Z", "2026-06-01T00:00:05.-1Z", "")) {
      assertSameOutcome(text);
    }
  }

  private static void assertSameOutcome(String text) {
    Instant expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeParseException e) {
      assertThatThrownBy(() -> IsoInstant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
      return;
    }
    assertThat(IsoInstant.parse(text)).as(text).isEqualTo(expected);
  }
}
