package dev.costpipe.clickhouse.sink;

/**
 * A Kafka record that cannot become a row: {@link #reason()} is the dead letter's {@code error.reason}
 * ({@code invalid_json}, {@code invalid_record}, {@code out_of_range}), the message says which field and why.
 */
public final class InvalidRecordException extends Exception {
  public static final String INVALID_JSON = "invalid_json";
  public static final String INVALID_RECORD = "invalid_record";
  public static final String OUT_OF_RANGE = "out_of_range";

  private final String reason;

  public InvalidRecordException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
