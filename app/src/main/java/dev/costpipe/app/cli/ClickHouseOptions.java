package dev.costpipe.app.cli;

import dev.costpipe.contracts.settings.Component;
import dev.costpipe.app.config.ConfigLoader;
import dev.costpipe.app.config.LoadedConfig;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The ClickHouse connection options shared by sink, reprice, report and query; environment variables
 * override --config and flags override both ({@link ConfigLoader}).
 */
final class ClickHouseOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Properties file: costpipe.sink.clickhouse.* and Kafka settings.")
  Path config;

  @Option(names = "--clickhouse-url", paramLabel = "http://HOST:PORT", description = "ClickHouse HTTP interface.")
  String url;

  @Option(names = "--database", paramLabel = "DB", description = "Database (default: costpipe).")
  String database;

  @Option(names = "--user", paramLabel = "U", description = "ClickHouse user (default: default).")
  String user;

  @Option(names = "--password-file", paramLabel = "F", description = "File holding the ClickHouse password.")
  Path passwordFile;

  /** The ClickHouse URL in force once loaded (flag, environment, file or default), for error messages. */
  String urlInUse;

  /** The sink component's configuration with these flags and {@code more} (setting → flag value, null: not given). */
  LoadedConfig loaded(Map<String, String> more, boolean needsKafka) {
    Map<String, String> flags = new HashMap<>(more);
    flags.put(ClickHouseSinkConfig.PREFIX + "url", url);
    flags.put(ClickHouseSinkConfig.PREFIX + "database", database);
    flags.put(ClickHouseSinkConfig.PREFIX + "user", user);
    flags.put(ClickHouseSinkConfig.PREFIX + "password-file",
        passwordFile == null ? null : InputFiles.readable(passwordFile, "--password-file").toString());
    LoadedConfig loaded = ConfigLoader.load(Component.SINK, InputFiles.readable(config, "--config"), System.getenv(),
        flags, needsKafka);
    urlInUse = loaded.config().get(ClickHouseSinkConfig.PREFIX + "url");
    loaded.logWarnings(LoggerFactory.getLogger(ClickHouseOptions.class));
    return loaded;
  }

  /** The settings of the ClickHouse-only commands, or UserInputException naming every error. */
  Properties load() {
    LoadedConfig loaded = loaded(Map.of(), false);
    if (!loaded.valid()) {
      throw new UserInputException(loaded.errorMessage());
    }
    return loaded.config().properties();
  }

  /** The ClickHouse-only commands' connection settings, or UserInputException saying what is wrong. */
  ClickHouseSinkConfig sinkConfig() {
    return UserInputException.parsing(() -> ClickHouseSinkConfig.from(load()));
  }
}
