package dev.costpipe.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real, throwaway Apache Kafka 4.3 broker for integration tests: a single KRaft node
 * ({@code process.roles=broker,controller}) running {@code kafka.Kafka} from the Maven Central jars in a
 * child JVM, with its own temp directory and two free ports on 127.0.0.1 (client + controller).
 *
 * <p>Use {@link #shared()} from test classes (one broker per test JVM, stopped by a shutdown hook; its
 * {@link #close()} is a no-op), or {@link #start()} + {@link #close()} when a test needs a broker of its
 * own — e.g. to {@link #kill()} it (SIGKILL) and {@link #restart()} it on the same data directory and
 * ports. If the broker cannot be started, both throw {@link IllegalStateException} with the tail of the
 * broker's log: tests never pass silently without a broker.
 *
 * <p>Topics are not auto-created ({@code auto.create.topics.enable=false}): create them with
 * {@link #createTopic} (or let the code under test create them). Every replication factor is 1 and the
 * transaction log is configured for one node, so idempotent and transactional (exactly-once) clients work.
 *
 * <p>The child JVM runs {@link KafkaBrokerMain}, which watches the test JVM and halts the broker (and deletes its
 * directory) if the test JVM disappears without running its shutdown hooks (e.g. a surefire fork timeout
 * or {@code kill -9}). Its command line is kept in {@code broker.args} / {@code classpath.args} in the
 * directory, so a failed broker can be rerun by hand: {@code java @classpath.args @broker.args}.
 */
public final class KafkaTestBroker implements AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_QUIET_PERIOD = Duration.ofSeconds(2);
  private static final int START_ATTEMPTS = 3;
  private static final String LOG_FILE = "broker.log";

  /**
   * How the broker's JVM runs. {@link #TEST} is light on a 2-CPU CI machine; {@link #BENCHMARK} runs it as
   * Kafka's own start script does (C2, G1, 1 GB heap), so that the broker is not what a benchmark measures.
   */
  public enum JvmProfile {
    TEST(List.of(
        "-Xms64m",
        "-Xmx512m",
        "-XX:+UseSerialGC",          // no parallel GC threads: light on a 2-CPU CI machine
        "-XX:TieredStopAtLevel=1")), // C1 only: quicker start, less CPU; plenty fast for test traffic
    BENCHMARK(List.of(
        "-Xms1g",
        "-Xmx1g",
        "-XX:+UseG1GC",              // kafka-run-class.sh's defaults
        "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35"));

    private final List<String> options;

    JvmProfile(List<String> options) {
      this.options = options;
    }
  }

  private static final SharedOnce<KafkaTestBroker> SHARED =
      new SharedOnce<>("kafka-test-broker", () -> start(true, JvmProfile.TEST), KafkaTestBroker::shutdown);

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final boolean isShared;
  private Process process;
  private Integer lastExitStatus;
  private long runLogOffset;
  private boolean closed;

  private KafkaTestBroker(Path dir, int port, int controllerPort, boolean isShared) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.isShared = isShared;
  }

  /** Starts a new broker that the caller owns and must {@link #close()}. */
  public static KafkaTestBroker start() {
    return start(false, JvmProfile.TEST);
  }

  /** Starts a new broker whose JVM runs with {@code profile}; the caller owns it and must {@link #close()}. */
  public static KafkaTestBroker start(JvmProfile profile) {
    return start(false, profile);
  }

  /**
   * The broker shared by all tests of this JVM, started on first use and stopped at JVM exit.
   * {@link #close()} on it is a no-op, so a test's try-with-resources cannot stop it for the others (do not
   * {@link #kill()} / {@link #stop()} it either). If it failed to start once, every later call throws the
   * same failure instead of trying again for a minute.
   */
  public static KafkaTestBroker shared() {
    return SHARED.get();
  }

  private static KafkaTestBroker start(boolean isShared, JvmProfile profile) {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      KafkaTestBroker broker = prepare(isShared, profile);
      try {
        long begin = System.nanoTime();
        KafkaBrokerSetup.format(broker.dir);
        System.err.printf("[KafkaTestBroker] storage formatted in %d ms (%s)%n",
            (System.nanoTime() - begin) / 1_000_000, broker.dir);
        broker.launchAndAwait();
        return broker;
      } catch (PortTakenException e) {
        // Free ports are picked by binding port 0 and releasing it, so another process can grab one
        // before the broker binds it. Retry with fresh ports (and a fresh directory).
        if (attempt < START_ATTEMPTS) {
          ServerProcesses.deleteRecursively(broker.dir);
        }
        last = e;
      }
    }
    throw last;
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The broker's directory: {@code data/} (log.dirs), {@code server.properties}, {@code broker.log}. */
  public Path directory() {
    return dir;
  }

  /** The broker's own output (stdout + stderr of every run, appended), for diagnostics. */
  public Path logFile() {
    return dir.resolve(LOG_FILE);
  }

  /** Whether the broker's child JVM is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The pid of the broker's child JVM (the current run). */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("the broker is not running");
    }
    return process.pid();
  }

  /**
   * Exit status of the previous run once it has been killed or stopped: 137 (128 + SIGKILL) after
   * {@link #kill()}, 143 (128 + SIGTERM) after a graceful {@link #stop()}.
   */
  public synchronized OptionalInt lastExitStatus() {
    return lastExitStatus == null ? OptionalInt.empty() : OptionalInt.of(lastExitStatus);
  }

  /**
   * Creates a topic (replication factor 1) and waits until every partition has a leader.
   *
   * @throws IllegalStateException if it cannot be created, e.g. because it already exists
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try {
          TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
              .get(10, TimeUnit.SECONDS).get(name);
          if (description.partitions().size() == partitions
              && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
            return;
          }
        } catch (ExecutionException e) {
          // not visible in the metadata yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + name + " was created but its partitions have no leader"
              + " after 30 s\n" + ServerProcesses.tail(logFile(), 40));
        }
        ServerProcesses.sleep(50, "the Kafka test broker");
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers() + ": "
          + (e instanceof ExecutionException ? e.getCause() : e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /**
   * Writes records (key, value; a null key is allowed) with an idempotent producer ({@code acks=all}) and
   * waits until every one is acknowledged, in order.
   */
  public void produce(String topic, List<Map.Entry<String, String>> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    try (KafkaProducer<String, String> producer =
             new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
      for (Map.Entry<String, String> record : records) {
        sent.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
      }
      producer.flush();
      for (Future<RecordMetadata> future : sent) {
        future.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot produce to " + topic + " on " + bootstrapServers() + ": "
          + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing to " + topic, e);
    }
  }

  /**
   * Reads a topic from the beginning, all partitions, committed records only
   * ({@code isolation.level=read_committed}), until no new record has arrived for 2 s or the timeout
   * has passed. Records come in poll order (in order within each partition).
   *
   * @throws IllegalStateException if the topic does not exist
   */
  public List<ConsumerRecord<String, String>> readAll(String topic, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
             new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      long deadline = System.nanoTime() + timeout.toNanos();
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrapServers());
      }
      List<TopicPartition> partitions = infos.stream()
          .map(i -> new TopicPartition(topic, i.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long quietUntil = System.nanoTime() + READ_QUIET_PERIOD.toNanos();
      while (true) {
        long now = System.nanoTime();
        long left = Math.min(deadline, quietUntil) - now;
        if (left <= 0) {
          break;
        }
        ConsumerRecords<String, String> batch =
            consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
        if (!batch.isEmpty()) {
          batch.forEach(out::add);
          quietUntil = System.nanoTime() + READ_QUIET_PERIOD.toNanos();
        }
      }
    }
    return out;
  }

  /** SIGKILLs the broker's JVM ({@code kill -9}: no shutdown hook, no flush) and waits until it is gone. */
  public synchronized void kill() {
    checkNotClosed();
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(process, Duration.ofSeconds(30));
    System.err.printf("[KafkaTestBroker] %s: killed pid %d (exit status %d)%n",
        bootstrapServers(), process.pid(), lastExitStatus);
    process = null;
  }

  /**
   * Starts the broker again on the same directory and ports (after {@link #kill()} or {@link #stop()})
   * and waits until it serves every existing partition. If it is still running it is stopped gracefully
   * first.
   */
  public synchronized void restart() {
    checkNotClosed();
    if (process != null) {
      stop();
    }
    launchAndAwait();
  }

  /** Stops the broker gracefully (SIGTERM, controlled shutdown) and waits; the directory is kept. */
  public synchronized void stop() {
    checkNotClosed();
    stopProcess();
  }

  /** Stops the broker and deletes its directory. No-op on the {@link #shared()} instance. */
  @Override
  public void close() {
    if (!isShared) {
      shutdown();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private synchronized void shutdown() {
    if (closed) {
      return;
    }
    stopProcess();
    closed = true;
    ServerProcesses.deleteRecursively(dir);
  }

  private void stopProcess() {
    if (process == null) {
      return;
    }
    String peak = peakRss(process.pid());
    long begin = System.nanoTime();
    process.destroy(); // SIGTERM: Kafka's shutdown hook does a controlled shutdown
    if (!awaitExit(process, STOP_TIMEOUT)) {
      process.destroyForcibly();
      awaitExit(process, Duration.ofSeconds(10));
    }
    System.err.printf("[KafkaTestBroker] %s: stopped pid %d in %d ms (exit status %s, peak RSS %s)%n",
        bootstrapServers(), process.pid(), (System.nanoTime() - begin) / 1_000_000, lastExitStatus, peak);
    process = null;
  }

  private boolean awaitExit(Process p, Duration timeout) {
    try {
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        lastExitStatus = p.exitValue();
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker to exit", e);
    }
  }

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException("the broker on " + bootstrapServers() + " has been closed");
    }
  }

  private static KafkaTestBroker prepare(boolean isShared, JvmProfile profile) {
    try {
      Path dir = Files.createTempDirectory("costpipe-kafka-");
      Files.createDirectories(dir.resolve("data"));
      int[] ports = ServerProcesses.freePorts(2);
      KafkaTestBroker broker = new KafkaTestBroker(dir, ports[0], ports[1], isShared);
      KafkaBrokerSetup.write(dir, ports[0], ports[1], profile.options);
      return broker;
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare a directory for the Kafka test broker: " + e, e);
    }
  }

  private void launchAndAwait() {
    long begin = System.nanoTime();
    try {
      runLogOffset = Files.exists(logFile()) ? Files.size(logFile()) : 0;
    } catch (IOException e) {
      runLogOffset = 0;
    }
    try {
      process = new ProcessBuilder(KafkaBrokerSetup.javaBinary(),
          "@" + dir.resolve("classpath.args"), "@" + dir.resolve("broker.args"))
          .directory(dir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
          .start();
    } catch (IOException e) {
      throw failure("cannot start " + KafkaBrokerSetup.javaBinary() + ": " + e);
    }
    try {
      awaitReady();
    } catch (IllegalStateException e) {
      if (process.isAlive()) {
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(10));
      }
      process = null;
      throw e;
    }
    System.err.printf("[KafkaTestBroker] %s: broker pid %d ready in %d ms (%s)%n",
        bootstrapServers(), process.pid(), (System.nanoTime() - begin) / 1_000_000, dir);
  }

  /**
   * Ready = the port accepts connections, DescribeCluster answers with a node, and every existing partition
   * (internal ones included: they matter after a restart) has a leader.
   */
  private void awaitReady() {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    Admin admin = null;
    String lastProblem = "the port never accepted a connection";
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          awaitExit(process, Duration.ofSeconds(1));
          throw failure("the broker JVM exited during startup with status " + process.exitValue());
        }
        if (admin == null) {
          if (!accepts(port)) {
            ServerProcesses.sleep(100, "the Kafka test broker");
            continue;
          }
          admin = admin();
        }
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            lastProblem = "DescribeCluster returned no node";
          } else {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names().get(5, TimeUnit.SECONDS);
            Collection<TopicDescription> described = topics.isEmpty()
                ? List.of()
                : admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values();
            List<String> leaderless = new ArrayList<>();
            for (TopicDescription topic : described) {
              for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                  leaderless.add(topic.name() + "-" + partition.partition());
                }
              }
            }
            if (leaderless.isEmpty()) {
              return;
            }
            lastProblem = "partitions without a leader: " + leaderless;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastProblem = String.valueOf(e instanceof ExecutionException ? e.getCause() : e);
        }
        ServerProcesses.sleep(100, "the Kafka test broker");
      }
      throw failure("the broker did not become ready on " + bootstrapServers() + " within "
          + STARTUP_TIMEOUT.toSeconds() + " s (last problem: " + lastProblem + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for the broker");
    } finally {
      if (admin != null) {
        admin.close(Duration.ofSeconds(2));
      }
    }
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    return Admin.create(p);
  }

  /**
   * The failure of the current run, with what its log says: the ERROR lines and their causes (a fatal error
   * is followed by a long shutdown log, so a plain tail would miss it), then the last lines.
   */
  private IllegalStateException failure(String what) {
    List<String> run = currentRunLog();
    List<String> errors = new ArrayList<>();
    for (String line : run) {
      if ((line.contains(" ERROR ") || line.contains("FATAL") || line.startsWith("Caused by:"))
          && errors.size() < 40) {
        errors.add(line);
      }
    }
    String message = "Kafka test broker (" + bootstrapServers() + ", controller port " + controllerPort
        + ") failed: " + what + ". Its directory is kept for inspection: " + dir
        + (errors.isEmpty() ? "" : "\n--- errors logged by the broker ---\n" + String.join("\n", errors))
        + "\n--- last lines of " + logFile() + " ---\n"
        + String.join("\n", run.subList(Math.max(0, run.size() - 40), run.size()));
    return run.stream().anyMatch(line -> line.contains("Address already in use"))
        ? new PortTakenException(message)
        : new IllegalStateException(message);
  }

  private List<String> currentRunLog() {
    try {
      byte[] all = Files.readAllBytes(logFile());
      int from = (int) Math.min(runLogOffset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return List.of("(no log: " + e + ")");
    }
  }


  private static final class PortTakenException extends IllegalStateException {
    PortTakenException(String message) {
      super(message);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String peakRss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring("VmHWM:".length()).strip();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // not Linux, or already gone
    }
    return "unknown";
  }
}
