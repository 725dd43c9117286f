package dev.costpipe.bench;

import dev.costpipe.app.cli.CostpipeCommand;
import dev.costpipe.devtools.local.WebhookReceiver;
import dev.costpipe.testsupport.ClickHouseServerProcess;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.testsupport.ServerProcesses;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The whole pipeline as the soak run drives it, on this machine: a KRaft broker ({@link KafkaTestBroker}, a child
 * JVM), a ClickHouse server ({@link ClickHouseTestServer}, restarted in place with {@link ClickHouseServerProcess}),
 * {@code costpipe run}, {@code costpipe sink clickhouse} and {@code costpipe notify} each in a JVM of its own
 * ({@link ChildJvm}: the {@code costpipe} command's main class), the notifier delivering signed webhooks to a
 * {@link WebhookReceiver} in this JVM. Every log is in the work directory; {@code run-<n>.log} is the n-th start of
 * the application.
 */
final class SoakPipeline implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration BROKER_DOWN = Duration.ofSeconds(5);
  private static final Duration CLICKHOUSE_DOWN = Duration.ofSeconds(10);

  private final Path dir;
  private final KafkaTestBroker broker;
  private final ClickHouseTestServer clickhouse;
  private final ClickHouseServerProcess clickhouseProcess;
  private final Path runSettings;
  private WebhookReceiver receiver;
  private PrintStream receiverLog;
  private ChildJvm application;
  private ChildJvm sink;
  private ChildJvm notifier;
  private int applicationStarts;

  private SoakPipeline(Path dir, KafkaTestBroker broker, ClickHouseTestServer clickhouse, int partitions)
      throws IOException {
    this.dir = dir;
    this.broker = broker;
    this.clickhouse = clickhouse;
    this.clickhouseProcess = ClickHouseServerProcess.of(clickhouse.httpUrl());
    this.runSettings = dir.resolve("run.properties");
    Files.writeString(runSettings, "state.dir=" + dir.resolve("streams") + "\ncostpipe.topics.partitions=" + partitions
        + "\n");
  }

  /** Starts every server and component, in order, each awaited. */
  static SoakPipeline start(Path dir, int partitions) throws IOException {
    Progress.say("starting Kafka and ClickHouse");
    KafkaTestBroker broker = KafkaTestBroker.start();
    ClickHouseTestServer clickhouse;
    try {
      clickhouse = ClickHouseTestServer.start();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    SoakPipeline pipeline = new SoakPipeline(dir, broker, clickhouse, partitions);
    try {
      pipeline.startComponents();
      return pipeline;
    } catch (IOException | RuntimeException e) {
      pipeline.close();
      throw e;
    }
  }

  private void startComponents() throws IOException {
    startApplication();
    sink = costpipe("sink", "384m", "sink", "clickhouse", "--bootstrap-server", bootstrapServers(),
        "--clickhouse-url", clickhouse.httpUrl());
    awaitLog(sink, "ClickHouse sink consuming");
    byte[] secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(24)).getBytes(StandardCharsets.UTF_8);
    Path secretFile = dir.resolve("hook-secret");
    Files.write(secretFile, secret);
    receiverLog = new PrintStream(new FileOutputStream(dir.resolve("webhook-receiver.log").toFile(), true), true,
        StandardCharsets.UTF_8);
    receiver = new WebhookReceiver(0, secret, alertsDelivered(), receiverLog);
    receiver.start();
    Path notifierConfig = dir.resolve("notifier.yml");
    Files.writeString(notifierConfig, String.join("\n",
        "bootstrap_servers: " + bootstrapServers(),
        "default_channels: [local-webhook]",
        "retry: {attempts: 10, base_delay: 1s, max_delay: 10s}",
        "channels:",
        "  local-webhook: {type: webhook, url: \"http://127.0.0.1:" + receiver.port() + "/alerts\", secret_file: \""
            + secretFile + "\"}", ""));
    notifier = costpipe("notify", "256m", "notify", "--config", notifierConfig.toString());
    awaitLog(notifier, "notifier starting");
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  KafkaTestBroker broker() {
    return broker;
  }

  ClickHouseTestServer clickhouse() {
    return clickhouse;
  }

  /** The file the webhook receiver appends each delivered alert to. */
  Path alertsDelivered() {
    return dir.resolve("alerts-delivered.jsonl");
  }

  /** Deliveries the receiver answered as repeats (same delivery id) and did not write again. */
  long repeatedDeliveries() throws IOException {
    receiverLog.flush();
    try (var lines = Files.lines(dir.resolve("webhook-receiver.log"))) {
      return lines.filter(l -> l.contains("already received")).count();
    }
  }

  /** Puts each rule (JSON) with {@code costpipe alerts put}. */
  void putRules(List<String> rules) throws IOException {
    for (int i = 0; i < rules.size(); i++) {
      Path file = dir.resolve("rule-" + i + ".json");
      Files.writeString(file, rules.get(i));
      int status = CostpipeCommand.commandLine().execute("alerts", "put", "--bootstrap-server", bootstrapServers(),
          file.toString());
      if (status != 0) {
        throw new IllegalStateException("costpipe alerts put " + file + " exited with " + status);
      }
    }
  }

  /** {@code kill -9} of the application, then a new start of it, awaited. */
  void killApplication() {
    application.kill();
    Progress.say("killed costpipe run (start %d) with SIGKILL; starting it again", applicationStarts);
    startApplication();
  }

  /** The broker SIGKILLed, down a few seconds, started again on its data; awaited until it serves every partition. */
  void restartBroker() {
    broker.kill();
    ServerProcesses.sleep(BROKER_DOWN.toMillis(), "the soak");
    broker.restart();
  }

  /** ClickHouse stopped (SIGKILL if not gone within 2 s), down 10 s, started again on its data, awaited. */
  void restartClickHouse() throws Exception {
    clickhouseProcess.stop(Duration.ofSeconds(2));
    ServerProcesses.sleep(CLICKHOUSE_DOWN.toMillis(), "the soak");
    clickhouseProcess.start();
  }

  int applicationStarts() {
    return applicationStarts;
  }

  /** Fails with the end of its log if a component has exited. */
  void checkAlive() {
    application.checkAlive();
    sink.checkAlive();
    notifier.checkAlive();
  }

  /** {@code costpipe cost} over a file of raw events, in a JVM of its own; waits for it. */
  void costOffline(String name, Path events, Path costs) {
    try (ChildJvm cost = costpipe(name, "1g", "cost", "--input", events.toString(), "--output", costs.toString())) {
      int status = cost.awaitExit(Duration.ofMinutes(30)).orElseThrow(
          () -> new IllegalStateException("costpipe cost did not finish within 30 minutes; log " + cost.log()));
      if (status != 0) {
        throw new IllegalStateException("costpipe cost exited with " + status + "; log " + cost.log());
      }
    }
  }

  private void startApplication() {
    applicationStarts++;
    application = costpipe("run-" + applicationStarts, "512m", "run", "--bootstrap-server", bootstrapServers(),
        "--config", runSettings.toString(), "--progress-every", "30s");
    awaitLog(application, "costpipe started");
  }

  private ChildJvm costpipe(String name, String heap, String... args) {
    return ChildJvm.start(name, dir, heap, false, CostpipeCommand.class, args);
  }

  private static void awaitLog(ChildJvm child, String line) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      child.checkAlive();
      try {
        if (Files.exists(child.log()) && Files.readString(child.log(), StandardCharsets.ISO_8859_1).contains(line)) {
          return;
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + child.log() + ": " + e, e);
      }
      ServerProcesses.sleep(200, "the soak");
    }
    throw new IllegalStateException("no '" + line + "' in " + child.log() + " within " + START_TIMEOUT.toMinutes()
        + " minutes; it ends with:\n" + ServerProcesses.tail(child.log(), 30));
  }

  @Override
  public void close() {
    for (ChildJvm child : new ChildJvm[] {notifier, sink, application}) {
      if (child != null) {
        child.close();
      }
    }
    if (receiver != null) {
      receiver.close();
      receiverLog.close();
    }
    clickhouseProcess.stop();
    clickhouse.close();
    broker.close();
  }
}
