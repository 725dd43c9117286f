package dev.costpipe.ingest;

/** The spool cannot take a body: its size limit would be passed, or the disk refused the write (503). */
public final class SpoolFullException extends Exception {
  public SpoolFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
