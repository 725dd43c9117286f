package dev.costpipe.contracts.avro.registry;

/**
 * A value could not be read or written because the schema registry is unavailable for now
 * ({@link RegistryFailures#isTransient}): the record is fine, and the caller waits and tries it again — never
 * dead-letters it, never commits past it.
 */
public final class SchemaRegistryUnavailableException extends RuntimeException {
  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
