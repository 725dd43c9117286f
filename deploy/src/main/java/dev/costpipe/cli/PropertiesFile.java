package dev.costpipe.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The {@code --config} file of the commands: a properties file, or nothing. */
final class PropertiesFile {
  private PropertiesFile() {}

  static Properties read(Path file) throws IOException {
    Properties p = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
    }
    return p;
  }
}
