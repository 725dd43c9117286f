package dev.costpipe.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The options every Kafka-facing command shares: a properties file with any Kafka Streams, client
 * and {@code costpipe.*} setting, and flags that override it.
 */
final class KafkaOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Properties file: Kafka settings and costpipe.* settings.")
  Path config;

  @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config file).")
  String bootstrapServer;

  Properties load() throws IOException {
    Properties p = PropertiesFile.read(config);
    if (bootstrapServer != null) {
      p.setProperty("bootstrap.servers", bootstrapServer);
    }
    if (p.getProperty("bootstrap.servers") == null) {
      throw new IllegalArgumentException("no Kafka to talk to: give --bootstrap-server HOST:PORT or bootstrap.servers in --config");
    }
    return p;
  }
}
