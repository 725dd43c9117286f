package dev.costpipe.contracts.avro.registry;

/**
 * A schema registry request that failed: the HTTP status and Confluent's {@code error_code} when the
 * registry answered (409 = the schema is incompatible with the subject's earlier versions), or 0 when it
 * could not be reached.
 */
public class SchemaRegistryException extends RuntimeException {
  private final int status;
  private final int errorCode;

  public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  /** The registry refused the schema as incompatible with the subject's compatibility level. */
  public boolean isIncompatible() {
    return status == 409;
  }
}
