package dev.costpipe.engine.event;

/**
 * Input that cannot be used as given. {@code reason} is a short stable code (counted per reason and
 * written to the dead-letter topic); the message says what exactly was wrong.
 */
public class BadEventException extends RuntimeException {
  private final String reason;

  public BadEventException(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
