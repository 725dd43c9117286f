package dev.costpipe.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures were measured on: cores, CPU, memory, JDK, OS, and the load average (Linux /proc). */
final class MachineInfo {
  private MachineInfo() {}

  static ObjectNode describe() {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu_model", procField("/proc/cpuinfo", "model name"));
    m.put("memory_mb", Long.parseLong(procField("/proc/meminfo", "MemTotal").replace("kB", "").strip()) / 1024);
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return m;
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String procField(String file, String name) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(name)) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }
}
