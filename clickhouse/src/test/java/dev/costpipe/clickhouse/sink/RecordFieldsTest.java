package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The direct reading of an instant's epoch second says what {@link Instant#parse} says, or fails as it does. */
class RecordFieldsTest {
  @Test
  void epochSecondIsInstantParsesForWhatInstantWrites() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      int nanos = random.nextInt(1_000_000_000) / (int) Math.pow(10, random.nextInt(7)) * (int) Math.pow(10,
          random.nextInt(3)); // 9, 6 or 3 digits, or fewer trailing zeros
      Instant at = Instant.ofEpochSecond(random.nextLong(0, 4_294_967_296L), random.nextInt(4) == 0 ? 0 : nanos);
      assertThat(RecordFields.epochSecond(at.toString())).as(at.toString()).isEqualTo(at.getEpochSecond());
    }
  }

  @Test
  void otherFormsAndNonsenseGoAsInstantParseHasThem() {
    for (String s : List.of("2026-11-20T09:15:02.5Z", "2026-11-20T09:15:02.123456789Z", "2024-02-29T23:59:59Z",
        "1970-01-01T00:00:00Z", "2106-02-07T06:28:15Z", "2026-11-20T09:15:02+01:00", "2026-11-20t09:15:02z",
        "2026-12-31T23:59:60Z", "+12026-11-20T09:15:02Z", "0000-01-01T00:00:00Z", "2026-11-20T24:00:00Z",
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-20T09:60:00Z", "2026-11-20T09:15:02.Z",
        "2026-11-20T09:15:02.1234567890Z", "2026-11-20 09:15:02Z", "2026-11-20T09:15:02", "2026-11-2OT09:15:02Z",
        "٢٠٢٦-11-20T09:15:02Z", "")) {
      Long expected;
      try {
        expected = Instant.parse(s).getEpochSecond();
      } catch (DateTimeParseException e) {
        expected = null;
      }
      if (expected == null) {
        assertThatThrownBy(() -> RecordFields.epochSecond(s)).as(s).isInstanceOf(DateTimeParseException.class);
      } else {
        assertThat(RecordFields.epochSecond(s)).as(s).isEqualTo(expected);
      }
    }
  }
}
