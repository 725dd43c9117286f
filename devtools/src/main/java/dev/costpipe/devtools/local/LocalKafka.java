package dev.costpipe.devtools.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Apache Kafka (KRaft, broker and controller in one) running inside this JVM, for the
 * quickstart and for trying costpipe without a cluster. Its directory keeps the log, the formatted
 * storage and the ports: a second start on the same directory reuses all three (a port given
 * explicitly wins). Listens on 127.0.0.1 only; one replica of everything, so it is not for production.
 */
public final class LocalKafka implements AutoCloseable {
  public static final int DEFAULT_PORT = 9092;
  private static final String PORTS_FILE = "ports.properties";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final KafkaRaftServer server;

  private LocalKafka(Path dir, int port, KafkaRaftServer server) {
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  /**
   * Formats the storage under {@code dir} if it is new, starts the broker and returns once it serves
   * requests.
   *
   * @param port the client port; null: the one of the previous run, else 9092
   * @throws IllegalStateException if a port is taken or the broker does not become ready
   */
  public static LocalKafka start(Path dir, Integer port) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve("data");
    Properties ports = read(dir.resolve(PORTS_FILE));
    int clientPort = port != null ? port : Integer.parseInt(ports.getProperty("port", String.valueOf(DEFAULT_PORT)));
    requireFree(clientPort, "--port");
    int controllerPort = ports.containsKey("controller.port")
        && isFree(Integer.parseInt(ports.getProperty("controller.port")))
        ? Integer.parseInt(ports.getProperty("controller.port")) : freePort(clientPort);
    ports.setProperty("port", String.valueOf(clientPort));
    ports.setProperty("controller.port", String.valueOf(controllerPort));
    write(dir.resolve(PORTS_FILE), ports);

    Properties config = serverProperties(data, clientPort, controllerPort);
    Path serverProperties = dir.resolve("server.properties");
    write(serverProperties, config);
    if (!Files.exists(data.resolve("meta.properties"))) {
      format(serverProperties);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
    server.startup();
    LocalKafka kafka = new LocalKafka(dir, clientPort, server);
    try {
      kafka.awaitReady();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path directory() {
    return dir;
  }

  /** Blocks until the broker has shut down (after {@link #close()}, e.g. from a shutdown hook). */
  public void awaitShutdown() {
    server.awaitShutdown();
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  // Single node, both roles; everything replicated once (the transaction log too: exactly-once needs
  // it), and sized for a laptop: few threads, a small cleaner buffer, few internal partitions.
  private static Properties serverProperties(Path data, int port, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", data.toAbsolutePath().toString());
    p.setProperty("num.partitions", "2");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "5");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "5");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "4");
    p.setProperty("background.threads", "2");
    p.setProperty("num.recovery.threads.per.data.dir", "1");
    p.setProperty("log.cleaner.threads", "1");
    p.setProperty("log.cleaner.dedupe.buffer.size", "16777216");
    p.setProperty("log.retention.hours", "168");
    return p;
  }

  private static void format(Path serverProperties) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
        serverProperties.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
    if (status != 0) {
      throw new IllegalStateException("formatting Kafka's storage failed (status " + status + "): "
          + out.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady() {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String problem = "no answer";
    try (Admin admin = Admin.create(p)) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            admin.listTopics().names().get(5, TimeUnit.SECONDS);
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          problem = String.valueOf(e.getCause() != null ? e.getCause() : e);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the local Kafka");
    }
    throw new IllegalStateException("the local Kafka on " + bootstrapServers() + " did not become ready within "
        + READY_TIMEOUT.toSeconds() + " s: " + problem);
  }

  private static void requireFree(int port, String option) {
    if (!isFree(port)) {
      throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (another Kafka?): choose another with "
          + option);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // the controller port is internal: the next free one above the client port
  private static int freePort(int after) {
    for (int p = after + 1; p < Math.min(65_535, after + 200); p++) {
      if (isFree(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no free port for the Kafka controller within 200 ports above " + after);
  }

  private static Properties read(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
    }
    return p;
  }

  private static void write(Path file, Properties p) throws IOException {
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "written by costpipe local kafka");
    }
  }
}
