package dev.costpipe.app.cli;

import dev.costpipe.clickhouse.schema.ReplicatedDdl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code costpipe clickhouse ddl --replicated}: the ClickHouse schema of layouts the sink does not create itself;
 * {@code migrate-layout} and {@code retention}: the time-led request_costs' backfill and retention; {@code sum-days}:
 * the weekly report's sums per day.
 */
@Command(name = "clickhouse", mixinStandardHelpOptions = true, description = "ClickHouse schema.",
    subcommands = {ClickHouseCommand.Ddl.class, MigrateLayoutCommand.class, RetentionCommand.class,
        SumDaysCommand.class})
public final class ClickHouseCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  @Command(name = "ddl", mixinStandardHelpOptions = true,
      description = "Print (or write) the replicated-cluster DDL generated from the sink's migrations:"
          + " Replicated*MergeTree tables <table>_local and Distributed tables <table>, ON CLUSTER '{cluster}'.")
  static final class Ddl implements Callable<Integer> {
    @Option(names = "--replicated", required = true,
        description = "The replicated-cluster layout (the sink creates the single-node schema itself).")
    boolean replicated;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Write one file per migration into DIR (V000__database.sql, V001__…) instead of printing them.")
    Path out;

    @Override
    public Integer call() throws IOException {
      Map<String, String> files = ReplicatedDdl.files();
      if (out == null) {
        System.out.print(String.join("\n", files.values()));
        System.out.flush();
        return 0;
      }
      Files.createDirectories(out);
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.writeString(out.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
      System.err.println("costpipe clickhouse ddl: wrote " + files.size() + " files to " + out);
      return 0;
    }
  }
}
