package dev.costpipe.app.cli;

import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.clickhouse.report.ClickHouseReader;
import dev.costpipe.clickhouse.report.CostFilter;
import dev.costpipe.clickhouse.report.CostQuery;
import dev.costpipe.clickhouse.report.CostTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe query}: totals or rows of request_costs, filtered; values are quoted, never spliced. */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Filter request_costs: totals or rows.")
public final class QueryCommand implements Callable<Integer> {
  @Mixin
  ClickHouseOptions clickhouse;

  @Option(names = "--from", paramLabel = "TIME", description = "From (ISO-8601 instant or YYYY-MM-DD), included.")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "To (ISO-8601 instant or YYYY-MM-DD), excluded.")
  String to;

  @Option(names = "--user-id", paramLabel = "ID", description = "The caller's user (--user is the ClickHouse user).")
  String user;

  @Option(names = "--session-id", paramLabel = "ID")
  String session;

  @Option(names = "--session-name", paramLabel = "NAME")
  String sessionName;

  @Option(names = "--property", paramLabel = "NAME=VALUE", description = "Property equals (repeatable).")
  List<String> properties = List.of();

  @Option(names = "--model", paramLabel = "MODEL", description = "Model as called, or model key.")
  String model;

  @Option(names = "--provider", paramLabel = "PROVIDER")
  String provider;

  @Option(names = "--rows", description = "Print the matching rows instead of totals.")
  boolean rows;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json or csv.")
  String format;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Most rows printed (default 100).")
  int limit;

  @Override
  public Integer call() throws Exception {
    ClickHouseSinkConfig config = clickhouse.sinkConfig();
    CostQuery.Options options = UserInputException.parsing(this::options);
    var client = config.newClient();
    try {
      System.out.print(new CostQuery(ClickHouseReader.of(client), CostTable.of(config.database())).run(options));
    } finally {
      client.close();
    }
    return 0;
  }

  /** The query the options ask for. */
  private CostQuery.Options options() {
    CostFilter filter = CostFilter.all().between(from == null ? null : CostFilter.parseTime(from),
        to == null ? null : CostFilter.parseTime(to));
    if (user != null) {
      filter = filter.withUser(user);
    }
    if (session != null) {
      filter = filter.withSession(session);
    }
    if (sessionName != null) {
      filter = filter.withSessionName(sessionName);
    }
    for (String p : properties) {
      var eq = CostFilter.PropertyEquals.parse(p);
      filter = filter.withProperty(eq.name(), eq.value());
    }
    if (model != null) {
      filter = filter.withModel(model);
    }
    if (provider != null) {
      filter = filter.withProvider(provider);
    }
    return new CostQuery.Options(filter, rows ? CostQuery.Output.ROWS : CostQuery.Output.TOTALS,
        CostQuery.Format.parse(format), limit);
  }
}
