package dev.costpipe.app.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every costpipe command fails: one line on standard error, {@code costpipe <command>: <what, why, what to
 * do>}, and the documented exit code ({@link Failure}); the stack trace too only with {@code --verbose}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
  static final String VERBOSE = "--verbose";
  private static final Pattern CLASS = Pattern.compile("class (?:[a-z_]\\w*\\.)+(\\w+)");
  private static final Pattern EXCEPTION_IN_PARENTHESES =
      Pattern.compile(" \\((?:[a-z_]\\w*\\.)+\\w*(?:Exception|Error): (.*)\\)$", Pattern.DOTALL);

  @Override
  public int handleExecutionException(Exception thrown, CommandLine command, ParseResult parsed) {
    Failure failure = Failure.of(thrown, command.getCommandSpec());
    report(command, failure.message(), thrown, verbose(parsed));
    return failure.exitCode();
  }

  /** A wrong flag or value: picocli's message without the usage help, and where to find it. */
  @Override
  public int handleParseException(ParameterException thrown, String[] args) {
    CommandLine command = thrown.getCommandLine();
    String message = withoutClassNames(thrown);
    if (thrown instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
      message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
    }
    report(command, message + " (see '" + command.getCommandSpec().qualifiedName() + " --help')", thrown,
        Arrays.asList(args).contains(VERBOSE));
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static void report(CommandLine command, String message, Throwable thrown, boolean verbose) {
    PrintWriter err = command.getErr();
    err.println(command.getCommandSpec().qualifiedName() + ": " + message);
    if (verbose) {
      thrown.printStackTrace(err);
    }
    err.flush();
  }

  // --verbose is inherited: given to costpipe or to any of its subcommands
  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.hasMatchedOption(VERBOSE)) {
        return true;
      }
    }
    return false;
  }

  // "cannot convert '2026-13-01' to class java.time.LocalDate (java.time.format.DateTimeParseException: Text ...)"
  // becomes "cannot convert '2026-13-01' to LocalDate: Text ...": the reason, not the class names
  private static String withoutClassNames(ParameterException thrown) {
    return EXCEPTION_IN_PARENTHESES.matcher(CLASS.matcher(thrown.getMessage()).replaceAll("$1")).replaceAll(": $1");
  }
}
