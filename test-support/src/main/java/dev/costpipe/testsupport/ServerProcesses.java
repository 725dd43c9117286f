package dev.costpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the test servers (ClickHouse, Kafka) share: free ports, log tails, temp-directory cleanup, waiting. */
public final class ServerProcesses {
  private ServerProcesses() {}

  /** {@code count} distinct ports free right now on this machine. */
  public static int[] freePorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  /** The last lines of a log, headed by its path, for a failure message; empty when there is none. */
  public static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (all.isEmpty()) {
        return "";
      }
      return "--- last lines of " + file + " ---\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  /** Deletes a temp directory, best effort. */
  public static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: it is a temp directory
    }
  }

  /** Sleeps; an interrupt becomes an exception saying what was being waited for. */
  public static void sleep(long millis, String waitingFor) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + waitingFor, e);
    }
  }
}
