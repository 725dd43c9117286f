package dev.costpipe.app.cli;

import java.util.function.Supplier;

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

  /** {@code parse}'s answer; an IllegalArgumentException it throws is bad input, with its message as it is. */
  static <T> T parsing(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (UserInputException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }
}
