package dev.costpipe.cli;

import dev.costpipe.sinks.clickhouse.ClickHouseSinkConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The ClickHouse connection options shared by sink, reprice, report and query; flags override --config. */
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

  Properties load() throws IOException {
    Properties p = PropertiesFile.read(config);
    set(p, "url", url);
    set(p, "database", database);
    set(p, "user", user);
    if (passwordFile != null) {
      p.remove(ClickHouseSinkConfig.PREFIX + "password");
      set(p, "password-file", passwordFile.toString());
    }
    return p;
  }

  private static void set(Properties p, String name, String value) {
    if (value != null) {
      p.setProperty(ClickHouseSinkConfig.PREFIX + name, value);
    }
  }
}
