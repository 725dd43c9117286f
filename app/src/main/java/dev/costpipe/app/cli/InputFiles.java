package dev.costpipe.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a file a command reads before it is read, so that a wrong path is a one-line error naming the option. */
final class InputFiles {
  private InputFiles() {}

  /**
   * @param option how the person gave it, e.g. {@code --prices}
   * @return {@code file}, which exists and is readable (a file or a directory), or null when not given
   */
  static Path readable(Path file, String option) {
    if (file == null) {
      return null;
    }
    if (!Files.exists(file)) {
      throw new UserInputException(option + " " + file + ": no such file or directory" + relativeTo(file)
          + ": check the path");
    }
    if (!Files.isReadable(file)) {
      throw new UserInputException(option + " " + file + ": not readable (permission denied): check its permissions");
    }
    return file;
  }

  // a relative path is resolved against the working directory, which is not always the one the person thinks
  private static String relativeTo(Path file) {
    return file.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")";
  }
}
