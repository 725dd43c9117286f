package dev.costpipe.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code costpipe} command: one entry point, one subcommand per job. */
@Command(name = "costpipe", mixinStandardHelpOptions = true, version = "costpipe 0.1.0",
    description = "Exact per-request USD cost of LLM API traffic.",
    subcommands = {CostCommand.class, RunCommand.class, PricingCommand.class, AlertsCommand.class,
        NotifyCommand.class, SinkCommand.class, RepriceCommand.class, ReportCommand.class, QueryCommand.class,
        ConfigCommand.class, GenerateCommand.class, LocalCommand.class, ClickHouseCommand.class, IngestCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the run failed (a server unreachable, a port in use, I/O failing midway)",
        "2:bad input or usage (a missing or unreadable file, a wrong flag, an invalid value)"})
public final class CostpipeCommand implements Runnable {

  // read from the parse result by ErrorHandler, whichever (sub)command it was given to
  @Option(names = ErrorHandler.VERBOSE, scope = ScopeType.INHERIT,
      description = "On an error, print its stack trace too.")
  boolean verbose;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** The command line with costpipe's error handling: one line on standard error and the documented exit code. */
  public static CommandLine commandLine() {
    ErrorHandler errors = new ErrorHandler();
    return new CommandLine(new CostpipeCommand()).setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
