package dev.costpipe.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * How the {@link KafkaTestBroker}'s child JVM is set up: its {@code server.properties} (one KRaft node sized
 * down for tests), its storage formatted, and its command line as Java {@code @argfiles} in the broker's directory ({@code classpath.args},
 * {@code broker.args}), so that a failed broker can be rerun by hand: {@code java @classpath.args @broker.args}.
 */
final class KafkaBrokerSetup {
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

  private static final List<String> COMMON_JVM_OPTIONS = List.of(
      "-XX:+ExitOnOutOfMemoryError",
      "-XX:-UsePerfData",
      "-Djava.awt.headless=true",
      // The test classpath's simplelogger.properties silences Kafka; the broker's log file should say
      // why it failed, so its loggers go back to INFO (system properties win over that file).
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
      "-Dorg.slf4j.simpleLogger.log.kafka=info",
      "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
      "-Dorg.slf4j.simpleLogger.showDateTime=true",
      "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");

  private KafkaBrokerSetup() {}

  /** Writes the broker's {@code server.properties} and argument files into {@code dir}. */
  static void write(Path dir, int port, int controllerPort, List<String> profileOptions) throws IOException {
    Files.writeString(dir.resolve("server.properties"), serverProperties(dir, port, controllerPort));
    Files.writeString(dir.resolve("classpath.args"), "-cp " + argFileQuote(childClasspath()) + "\n");
    List<String> brokerArgs = new ArrayList<>(profileOptions);
    brokerArgs.addAll(COMMON_JVM_OPTIONS);
    brokerArgs.add("-D" + KafkaBrokerMain.PARENT_PID + "=" + ProcessHandle.current().pid());
    brokerArgs.add("-D" + KafkaBrokerMain.DELETE_ON_ORPHAN + "=" + dir.toAbsolutePath());
    brokerArgs.add(KafkaBrokerMain.class.getName());
    brokerArgs.add(dir.resolve("server.properties").toAbsolutePath().toString());
    Files.writeString(dir.resolve("broker.args"),
        String.join("\n", brokerArgs.stream().map(KafkaBrokerSetup::argFileQuote).toList()) + "\n");
  }

  // Single node, both roles. Besides what one node needs (replication factors 1, transaction log min ISR 1),
  // everything is sized down: few threads, a small log cleaner buffer (the default 128 MiB would take a
  // quarter of the heap), 5 partitions instead of 50 for the offsets and transaction topics (created on
  // first use: quicker first group join / first transaction).
  // broker.session.timeout.ms: after a kill -9 the restarted controller still holds the dead incarnation's
  // registration and refuses the new one (DuplicateBrokerRegistrationException) until that session expires:
  // with the default 9 s a restart took ~10.5 s, with 3 s it takes ~4 s. Still far above any GC pause here.
  static String serverProperties(Path dir, int port, int controllerPort) {
    Path data = dir.resolve("data").toAbsolutePath();
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + data,
        "num.partitions=1",
        "default.replication.factor=1",
        "min.insync.replicas=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=5",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=5",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.leader.rebalance.enable=false",
        "num.network.threads=2",
        "num.io.threads=4",
        "background.threads=2",
        "num.recovery.threads.per.data.dir=1",
        "num.replica.fetchers=1",
        "log.cleaner.threads=1",
        "log.cleaner.dedupe.buffer.size=16777216",
        "broker.heartbeat.interval.ms=500",
        "broker.session.timeout.ms=3000",
        "");
  }

  /**
   * The classpath of the test JVM, which holds kafka_2.13 and its dependencies. Under surefire,
   * {@code java.class.path} is only the booter jar (with a manifest Class-Path), so
   * {@code surefire.test.class.path} is preferred. The location of this class is added for {@link KafkaBrokerMain}.
   */
  private static String childClasspath() {
    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null || classpath.isBlank()) {
      classpath = System.getProperty("java.class.path");
    }
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(entry);
      }
    }
    try {
      entries.add(Path.of(KafkaTestBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString());
    } catch (URISyntaxException | RuntimeException e) {
      // the class came from the classpath above anyway
    }
    if (entries.stream().noneMatch(e -> e.contains("kafka_2.13"))) {
      throw new IllegalStateException("no kafka_2.13 jar on the test classpath (" + classpath + "): the module"
          + " needs a test dependency on org.apache.kafka:kafka_2.13");
    }
    return String.join(File.pathSeparator, entries);
  }

  // Java @argfiles: quote each argument; inside quotes a backslash escapes.
  private static String argFileQuote(String arg) {
    return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Formats the broker's storage ({@code kafka.tools.StorageTool format}) with a new cluster id. */
  static void format(Path dir) {
    Path out = dir.resolve("format.log");
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
        "-Dorg.slf4j.simpleLogger.log.kafka=info", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
        "@" + dir.resolve("classpath.args"),
        "kafka.tools.StorageTool", "format",
        "-t", Uuid.randomUuid().toString(),
        "-c", dir.resolve("server.properties").toString()));
    try {
      Process p = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .start();
      if (!p.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw formatFailure(dir, "kafka.tools.StorageTool format did not finish within "
            + FORMAT_TIMEOUT.toSeconds() + " s");
      }
      if (p.exitValue() != 0) {
        throw formatFailure(dir, "kafka.tools.StorageTool format exited with status " + p.exitValue());
      }
    } catch (IOException e) {
      throw formatFailure(dir, "cannot run " + command + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw formatFailure(dir, "interrupted while formatting the broker's storage");
    }
  }

  private static IllegalStateException formatFailure(Path dir, String what) {
    return new IllegalStateException("Kafka test broker: formatting its storage failed: " + what
        + ". Its directory is kept for inspection: " + dir + "\n" + ServerProcesses.tail(dir.resolve("format.log"), 40));
  }
}
