package dev.costpipe.notify;

/** The notifier cannot go on (Kafka unreachable for the delivery marks, a topic missing, …). */
public final class NotifierException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotifierException(String message, Throwable cause) {
    super(message, cause);
  }

  public NotifierException(String message) {
    super(message);
  }
}
