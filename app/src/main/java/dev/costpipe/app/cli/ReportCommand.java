package dev.costpipe.app.cli;

import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.notify.DeliveryException;
import dev.costpipe.notify.NotifierConfig;
import dev.costpipe.notify.ReportSender;
import dev.costpipe.clickhouse.report.ClickHouseReader;
import dev.costpipe.clickhouse.report.CostTable;
import dev.costpipe.clickhouse.report.IsoWeek;
import dev.costpipe.clickhouse.report.ReportFormat;
import dev.costpipe.clickhouse.report.WeeklyReport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code costpipe report weekly}: the week's spend and unit economics from ClickHouse. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Cost reports from ClickHouse.",
    subcommands = ReportCommand.Weekly.class)
public final class ReportCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  @Command(name = "weekly", mixinStandardHelpOptions = true, description = "The weekly cost report.")
  static final class Weekly implements Callable<Integer> {
    @Mixin
    ClickHouseOptions clickhouse;

    @Option(names = "--week", paramLabel = "YYYY-Www", description = "ISO week (default: the last complete week, UTC).")
    String week;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text, markdown, json or html.")
    String format;

    @Option(names = "--send", paramLabel = "CHANNEL", description = "Also send it: slack, email or webhook (a channel of --notify-config).")
    String send;

    @Option(names = "--notify-config", paramLabel = "FILE", description = "Notifier config defining the channels (for --send).")
    Path notifyConfig;

    @Option(names = "--channel", paramLabel = "NAME", description = "Which channel of that type, when there are several.")
    String channel;

    @Override
    public Integer call() throws Exception {
      ClickHouseSinkConfig config = clickhouse.sinkConfig();
      WeeklyReport.Options options = UserInputException.parsing(() -> new WeeklyReport.Options(
          CostTable.of(config.database()), week == null ? null : IsoWeek.parse(week), ReportFormat.parse(format)));
      NotifierConfig channels = send == null ? null : UserInputException.parsing(this::channels);
      WeeklyReport report;
      var client = config.newClient();
      try {
        report = WeeklyReport.generate(ClickHouseReader.of(client), options, Clock.systemUTC());
      } finally {
        client.close();
      }
      System.out.print(report.render(options.format()));
      if (channels != null) {
        Map<ReportFormat, String> renderings = new EnumMap<>(ReportFormat.class);
        for (ReportFormat f : ReportFormat.values()) {
          renderings.put(f, report.render(f));
        }
        try {
          ReportSender.send(channels, send, channel, report.week().toString(), renderings);
        } catch (DeliveryException e) {
          System.err.println("costpipe report weekly: sending to " + send + " failed: " + e.getMessage());
          return 1;
        }
        System.err.println("costpipe report weekly: sent to " + send);
      }
      return 0;
    }

    /** The channels of --notify-config, once the one --send names is found among them. */
    private NotifierConfig channels() {
      if (notifyConfig == null) {
        throw new UserInputException("--send needs --notify-config FILE (the channels to send with)");
      }
      NotifierConfig channels = NotifierConfig.load(InputFiles.readable(notifyConfig, "--notify-config"));
      ReportSender.pick(channels, send, channel);
      return channels;
    }
  }
}
