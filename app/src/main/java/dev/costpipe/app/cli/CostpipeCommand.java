package dev.costpipe.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code costpipe} command: one entry point, one subcommand per job. */
@Command(name = "costpipe", mixinStandardHelpOptions = true, version = "costpipe 0.1.0",
    description = "Exact per-request USD cost of LLM API traffic.",
    subcommands = {CostCommand.class, RunCommand.class, PricingCommand.class, AlertsCommand.class,
        NotifyCommand.class, SinkCommand.class, RepriceCommand.class, ReportCommand.class, QueryCommand.class,
        ConfigCommand.class, GenerateCommand.class, LocalCommand.class, ClickHouseCommand.class})
public final class CostpipeCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CostpipeCommand()).execute(args));
  }
}
