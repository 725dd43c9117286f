package dev.costpipe.app.cli;

/**
 * Bad input or usage the person running the command can fix (a missing file, a value that does not parse):
 * exit 2. An IllegalArgumentException, so the commands' existing checks of their input catch it too.
 */
final class UserInputException extends IllegalArgumentException {
  /** @param message what failed, why, and what to do, as one line */
  UserInputException(String message) {
    super(message);
  }

  UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
