package dev.costpipe.sources.envelope;

/**
 * A body that cannot be read at all (not JSON, a truncated protobuf, an unknown shape): refused as a whole, nothing
 * of it produced. The message names what is wrong and never quotes the body (it may hold prompts).
 */
public final class UnparseableBodyException extends Exception {
  public UnparseableBodyException(String message) {
    super(message);
  }

  public UnparseableBodyException(String message, Throwable cause) {
    super(message, cause);
  }
}
