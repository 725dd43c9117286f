package dev.costpipe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import dev.costpipe.topology.app.CostpipeApplication;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings both Kafka Streams applications under test run with: costpipe's own exactly-once settings
 * (exactly_once_v2, its commit interval; one stream thread), a state directory of their own, then the
 * benchmark's {@code --streams-setting}s.
 */
final class StreamsSettings {
  private StreamsSettings() {}

  static Properties of(String bootstrap, String applicationId, Path stateDir, Map<String, String> overrides) {
    Properties p = new Properties();
    p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.setProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(CostpipeApplication.COMMIT_INTERVAL_MS));
    p.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(applicationId).toString());
    overrides.forEach(p::setProperty);
    return p;
  }

  static Path write(Properties settings, Path file) {
    try (Writer w = Files.newBufferedWriter(file)) {
      settings.store(w, "written by the costpipe benchmark");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
