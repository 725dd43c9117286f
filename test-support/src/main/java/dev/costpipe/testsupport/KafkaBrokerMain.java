package dev.costpipe.testsupport;

import java.nio.file.Path;

/**
 * Main class of the {@link KafkaTestBroker}'s child JVM: {@code kafka.Kafka} plus an {@link OrphanWatchdog}. If
 * the test JVM that started it goes away, the broker's directory is deleted and the JVM halts at once, so no
 * broker outlives the test run.
 */
public final class KafkaBrokerMain {
  static final String PARENT_PID = "costpipe.kafkaTestBroker.parentPid";
  static final String DELETE_ON_ORPHAN = "costpipe.kafkaTestBroker.deleteOnOrphan";

  private KafkaBrokerMain() {}

  public static void main(String[] args) {
    long parent = Long.parseLong(System.getProperty(PARENT_PID));
    String dir = System.getProperty(DELETE_ON_ORPHAN);
    OrphanWatchdog.start(parent, "kafka-test-broker-watchdog",
        "[KafkaTestBroker] test JVM " + parent + " is gone: halting the broker", () -> {
          if (dir != null) {
            ServerProcesses.deleteRecursively(Path.of(dir));
          }
        });
    kafka.Kafka.main(args);
  }
}
