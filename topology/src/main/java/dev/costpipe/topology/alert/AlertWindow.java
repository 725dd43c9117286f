package dev.costpipe.topology.alert;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * A rule's budget window: tumbling, UTC. 1h and 1d start on the hour and at midnight; 7d on Monday
 * 00:00 (the ISO week); 30d on multiples of 30 days since the epoch.
 */
public enum AlertWindow {
  HOUR("1h", Duration.ofHours(1)),
  DAY("1d", Duration.ofDays(1)),
  WEEK("7d", Duration.ofDays(7)),
  THIRTY_DAYS("30d", Duration.ofDays(30));

  private final String wire;
  private final Duration length;

  AlertWindow(String wire, Duration length) {
    this.wire = wire;
    this.length = length;
  }

  public String wire() {
    return wire;
  }

  public Duration length() {
    return length;
  }

  /** Whether its windows start at multiples of its length since the epoch, as the aggregates' windows do. */
  public boolean epochAligned() {
    return this != WEEK;
  }

  public Instant startOf(Instant t) {
    return switch (this) {
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
      case DAY -> t.truncatedTo(ChronoUnit.DAYS);
      case WEEK -> t.atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
          .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant();
      case THIRTY_DAYS -> Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), length.toMillis()) * length.toMillis());
    };
  }

  public static AlertWindow fromWire(String s) {
    for (AlertWindow w : values()) {
      if (w.wire.equals(s)) {
        return w;
      }
    }
    throw new IllegalArgumentException("window must be 1h, 1d, 7d or 30d, got '" + s + "'");
  }
}
