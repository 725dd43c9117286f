package dev.costpipe.app.cli;

import dev.costpipe.contracts.settings.Component;
import dev.costpipe.app.config.ConfigLoader;
import dev.costpipe.app.config.LoadedConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The options every Kafka-facing command shares: a properties file with any Kafka Streams, client
 * and {@code costpipe.*} setting, {@code COSTPIPE_*} environment variables over it, and flags over both
 * ({@link ConfigLoader}).
 */
final class KafkaOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Properties file: Kafka settings and costpipe.* settings.")
  Path config;

  @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config file).")
  String bootstrapServer;

  /** The bootstrap servers in force once loaded (from the flag, the environment or the file), for error messages. */
  String bootstrapServers;

  /** The run component's configuration with these flags and {@code more} (setting → flag value, null: not given). */
  LoadedConfig loaded(Map<String, String> more) {
    Map<String, String> flags = new HashMap<>(more);
    flags.put("bootstrap.servers", bootstrapServer);
    LoadedConfig loaded = ConfigLoader.load(Component.RUN, InputFiles.readable(config, "--config"), System.getenv(),
        flags, true);
    bootstrapServers = loaded.config().get("bootstrap.servers");
    loaded.logWarnings(LoggerFactory.getLogger(KafkaOptions.class));
    return loaded;
  }

  /** The settings, or UserInputException naming every error. */
  Properties load() {
    LoadedConfig loaded = loaded(Map.of());
    if (!loaded.valid()) {
      throw new UserInputException(loaded.errorMessage());
    }
    return loaded.config().properties();
  }
}
