package dev.costpipe.notify;

/**
 * A delivery attempt that failed. {@code reason} is short and stable ({@code http_status}, {@code http_error},
 * {@code smtp_error}, {@code smtp_auth}, …); {@code detail} says what the peer answered (e.g. {@code HTTP 500:
 * internal error}, {@code SMTP 535 5.7.8 Authentication failed}) and never holds a secret. A non-retryable
 * failure (a 4xx answer other than 408/429, refused credentials) is reported at once instead of retried.
 */
public final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final boolean retryable;
  private final Integer status;

  public DeliveryException(String reason, String detail, boolean retryable, Integer status, Throwable cause) {
    super(detail, cause);
    this.reason = reason;
    this.retryable = retryable;
    this.status = status;
  }

  public DeliveryException(String reason, String detail, boolean retryable) {
    this(reason, detail, retryable, null, null);
  }

  public String reason() {
    return reason;
  }

  public String detail() {
    return getMessage();
  }

  public boolean retryable() {
    return retryable;
  }

  /** The HTTP status or SMTP reply code, when the peer answered with one. */
  public Integer status() {
    return status;
  }
}
