package dev.costpipe.app.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a failed command tells the person running it: one line saying what failed, why and what to do, and the
 * documented exit code, 2 for bad input or usage and 1 for a run that failed. Explains the first exception of
 * the cause chain it knows, most specific kind first; the servers are named from the command's options.
 */
record Failure(int exitCode, String message) {
  static final int BAD_INPUT = 2;
  static final int RUN_FAILED = 1;

  static Failure of(Throwable thrown, CommandSpec command) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof UserInputException) {
        return new Failure(BAD_INPUT, t.getMessage());
      }
      if (t instanceof RuntimeFailure) {
        return new Failure(RUN_FAILED, t.getMessage());
      }
    }
    Optional<BindException> bind = find(thrown, BindException.class);
    if (bind.isPresent()) {
      return new Failure(RUN_FAILED, bind.get().getMessage());
    }
    Optional<IOException> unreachable = find(thrown, IOException.class, Failure::isUnreachable);
    if (unreachable.isPresent()) {
      return new Failure(RUN_FAILED, unreachable(unreachable.get(), thrown, command));
    }
    Optional<org.apache.kafka.common.errors.TimeoutException> kafka =
        find(thrown, org.apache.kafka.common.errors.TimeoutException.class);
    if (kafka.isPresent()) {
      String at = mixin(command, KafkaOptions.class).map(k -> k.bootstrapServers).map(b -> " at " + b).orElse("");
      return new Failure(RUN_FAILED, "Kafka" + at + " did not answer in time (" + firstLine(kafka.get())
          + "): start it, or point --bootstrap-server or bootstrap.servers at it");
    }
    Optional<IOException> file = find(thrown, IOException.class, Failure::isMissingFile);
    if (file.isPresent()) {
      return new Failure(BAD_INPUT, missingFile(file.get()));
    }
    Optional<IOException> io = find(thrown, IOException.class);
    if (io.isPresent()) {
      return new Failure(RUN_FAILED, "I/O failed: " + firstLine(io.get()));
    }
    return new Failure(RUN_FAILED, firstLine(thrown) + " (rerun with --verbose for the details)");
  }

  private static boolean isUnreachable(IOException e) {
    return e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
        || e instanceof SocketTimeoutException || e.getClass().getName().endsWith(".ConnectTimeoutException");
  }

  private static String unreachable(IOException e, Throwable thrown, CommandSpec command) {
    String why = e instanceof UnknownHostException ? "unknown host " + e.getMessage()
        : e instanceof SocketTimeoutException || e.getClass().getName().endsWith(".ConnectTimeoutException")
            ? "no answer in time" : lastPart(firstLine(e));
    // the ClickHouse client wraps its connection failures in its own exceptions
    if (find(thrown, RuntimeException.class, t -> t.getClass().getName().startsWith("com.clickhouse.")).isPresent()) {
      String at = mixin(command, ClickHouseOptions.class).map(c -> c.urlInUse).map(u -> " at " + u).orElse("");
      return "cannot reach ClickHouse" + at + " (" + why + "): start it, or point --clickhouse-url or"
          + " costpipe.sink.clickhouse.url at it";
    }
    return "cannot connect (" + firstLine(e) + "): check that the server is running and its address";
  }

  private static boolean isMissingFile(IOException e) {
    return e instanceof NoSuchFileException || e instanceof AccessDeniedException || e instanceof FileNotFoundException;
  }

  private static String missingFile(IOException e) {
    if (e instanceof NoSuchFileException f) {
      return f.getFile() + ": no such file or directory: check the path";
    }
    if (e instanceof AccessDeniedException f) {
      return f.getFile() + ": permission denied: check its permissions";
    }
    return "cannot open " + e.getMessage() + ": check the path";
  }

  private static <T extends Throwable> Optional<T> find(Throwable thrown, Class<T> type) {
    return find(thrown, type, t -> true);
  }

  /** The first of {@code thrown} and its causes of this type that matches. */
  private static <T extends Throwable> Optional<T> find(Throwable thrown, Class<T> type, Predicate<T> matching) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (type.isInstance(t) && matching.test(type.cast(t))) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  /** The options object of this type the command (or one of its mixins) holds. */
  private static <T> Optional<T> mixin(CommandSpec command, Class<T> type) {
    if (type.isInstance(command.userObject())) {
      return Optional.of(type.cast(command.userObject()));
    }
    return command.mixins().values().stream().map(m -> mixin(m, type)).flatMap(Optional::stream).findFirst();
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip().lines().findFirst().orElse("");
  }

  // "Connect to http://127.0.0.1:1 [/127.0.0.1] failed: Connection refused" -> "Connection refused"
  private static String lastPart(String message) {
    int at = message.lastIndexOf(": ");
    return at < 0 ? message : message.substring(at + 2);
  }
}
