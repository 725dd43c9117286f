package dev.costpipe.app.cli;

import dev.costpipe.devtools.local.LocalKafka;
import dev.costpipe.devtools.local.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code costpipe local kafka}: servers for trying costpipe on one machine. */
@Command(name = "local", mixinStandardHelpOptions = true, description = "Run local servers for trying costpipe.",
    subcommands = {LocalCommand.Kafka.class, LocalCommand.Webhook.class})
public final class LocalCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  @Command(name = "kafka", mixinStandardHelpOptions = true,
      description = {"Run a single-node Kafka (KRaft) in this process until SIGTERM/Ctrl-C.",
          "The storage is formatted on the first run and reused on the next ones, with the same ports."})
  static final class Kafka implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".costpipe/kafka",
        description = "Log, storage and port settings (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "P", description = "Client port on 127.0.0.1 (default: the previous run's, else 9092).")
    Integer port;

    @Override
    public Integer call() throws Exception {
      QuietKafkaLogs.apply();
      LocalKafka kafka;
      try {
        kafka = LocalKafka.start(dataDir, port);
      } catch (IllegalStateException e) {
        System.err.println("costpipe local kafka: " + e.getMessage());
        return 1;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "local-kafka-shutdown"));
      System.err.println("costpipe local kafka: ready on " + kafka.bootstrapServers() + " (data in "
          + dataDir.toAbsolutePath() + "); stop with Ctrl-C or SIGTERM");
      kafka.awaitShutdown();
      return 0;
    }
  }

  @Command(name = "webhook-receiver", mixinStandardHelpOptions = true,
      description = {"Receive costpipe's webhook alert deliveries on 127.0.0.1 until SIGTERM/Ctrl-C:",
          "checks each signature and appends the alert as a JSON line to --output."})
  static final class Webhook implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "P", required = true, description = "Port on 127.0.0.1.")
    int port;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = ".costpipe/alerts.jsonl",
        description = "Received alerts, one JSON per line (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--secret-env", paramLabel = "NAME", defaultValue = "COSTPIPE_HOOK_SECRET",
        description = "Environment variable holding the webhook secret (default: ${DEFAULT-VALUE}).")
    String secretEnv;

    @Override
    public Integer call() throws Exception {
      String secret = System.getenv(secretEnv);
      if (secret == null || secret.isEmpty()) {
        System.err.println("costpipe local webhook-receiver: set the webhook secret in $" + secretEnv);
        return 2;
      }
      WebhookReceiver receiver;
      if (output.toAbsolutePath().getParent() != null) {
        java.nio.file.Files.createDirectories(output.toAbsolutePath().getParent());
      }
      try {
        receiver = new WebhookReceiver(port, secret.getBytes(StandardCharsets.UTF_8), output, System.out);
      } catch (java.net.BindException e) {
        System.err.println("costpipe local webhook-receiver: port " + port + " on 127.0.0.1 is in use: choose another with --port");
        return 1;
      }
      receiver.start();
      Runtime.getRuntime().addShutdownHook(new Thread(receiver::close, "webhook-receiver-shutdown"));
      System.err.println("costpipe local webhook-receiver: listening on http://127.0.0.1:" + receiver.port()
          + "/, alerts to " + output.toAbsolutePath());
      Thread.currentThread().join();
      return 0;
    }
  }
}
