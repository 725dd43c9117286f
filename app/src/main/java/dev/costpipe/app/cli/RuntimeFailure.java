package dev.costpipe.app.cli;

/** The input was good but the run failed (a server unreachable, a port in use, I/O failing midway): exit 1. */
final class RuntimeFailure extends RuntimeException {
  /** @param message what failed, why, and what to do, as one line */
  RuntimeFailure(String message) {
    super(message);
  }

  RuntimeFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
