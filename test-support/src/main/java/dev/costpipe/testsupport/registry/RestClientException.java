package dev.costpipe.testsupport.registry;

/**
 * Stands for Confluent's {@code io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException}
 * (not on Maven Central): same simple name, same {@code getStatus()} / {@code getErrorCode()}.
 */
public final class RestClientException extends Exception {
  private final int status;
  private final int errorCode;

  public RestClientException(String message, int status, int errorCode) {
    super(message + "; error code: " + errorCode);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int getStatus() {
    return status;
  }

  public int getErrorCode() {
    return errorCode;
  }
}
