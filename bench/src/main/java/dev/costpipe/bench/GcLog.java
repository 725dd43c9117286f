package dev.costpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap use read from a child JVM's {@code -Xlog:gc:file=…:uptime} log: every pause line says
 * {@code used-before->used-after(committed)}. The largest "before" is the peak heap in use; the "after" of a full
 * collection ({@code jcmd GC.run}) is the live heap.
 */
final class GcLog {
  private static final Pattern PAUSE = Pattern.compile(
      "^\\[([0-9.]+)s\\].*GC\\(\\d+\\) (Pause [^0-9]*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  /** One pause: when (JVM uptime), heap in use before and after, committed heap; MB. */
  record Pause(double uptimeSeconds, boolean full, double beforeMb, double afterMb, double committedMb) {}

  private GcLog() {}

  static List<Pause> read(Path file) {
    List<Pause> pauses = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the GC log " + file + ": " + e, e);
    }
    for (String line : lines) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        pauses.add(new Pause(Double.parseDouble(m.group(1)), m.group(2).startsWith("Pause Full"),
            mb(m.group(3), m.group(4)), mb(m.group(5), m.group(6)), mb(m.group(7), m.group(8))));
      }
    }
    return pauses;
  }

  static double peakUsedMb(List<Pause> pauses) {
    return pauses.stream().mapToDouble(Pause::beforeMb).max().orElse(Double.NaN);
  }

  /** Heap after the last full collection, or NaN when there was none. */
  static double lastLiveMb(List<Pause> pauses) {
    double live = Double.NaN;
    for (Pause p : pauses) {
      if (p.full()) {
        live = p.afterMb();
      }
    }
    return live;
  }

  private static double mb(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }
}
