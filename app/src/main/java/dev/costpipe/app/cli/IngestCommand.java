package dev.costpipe.app.cli;

import dev.costpipe.app.config.ConfigLoader;
import dev.costpipe.app.config.LoadedConfig;
import dev.costpipe.app.metrics.IngestProbe;
import dev.costpipe.app.metrics.MetricsServer;
import dev.costpipe.contracts.settings.Component;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.http.HttpEndpoints;
import dev.costpipe.ingest.EventProducer;
import dev.costpipe.ingest.IngestServer;
import dev.costpipe.ingest.IngestSettings;
import dev.costpipe.ingest.SpoolSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code costpipe ingest}: OTLP/HTTP traces, LiteLLM's logging callback and costpipe envelopes over HTTP → Kafka. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Serve POST /v1/traces (OTLP/HTTP), /v1/litellm (LiteLLM's generic_api callback) and /v1/events"
        + " (costpipe envelopes), producing usage events to the raw-events topic; 2xx only once Kafka acknowledged.",
        "Runs until stopped; on SIGTERM it stops listening and lets requests in flight finish."})
public final class IngestCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrapServer;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Address and port to listen on (default 127.0.0.1:4318, from costpipe.http.bind-address and"
          + " costpipe.ingest.port). Other than loopback, bearer tokens are required (costpipe.http.tokens-file).")
  String listen;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file: Kafka settings and costpipe.* settings.")
  Path config;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new HashMap<>();
    flags.put("bootstrap.servers", bootstrapServer);
    if (listen != null) {
      int colon = listen.lastIndexOf(':');
      if (colon <= 0 || colon == listen.length() - 1) {
        throw new UserInputException("--listen " + listen + ": HOST:PORT expected, e.g. 127.0.0.1:4318");
      }
      flags.put(CostpipeSettings.HTTP_BIND_ADDRESS.key(), listen.substring(0, colon).replaceAll("^\\[|]$", ""));
      flags.put(CostpipeSettings.INGEST_PORT.key(), listen.substring(colon + 1));
    }
    LoadedConfig loaded = ConfigLoader.load(Component.INGEST, InputFiles.readable(config, "--config"),
        System.getenv(), flags, true);
    loaded.logWarnings(LoggerFactory.getLogger(IngestCommand.class));
    if (!loaded.valid()) {
      throw new UserInputException(loaded.errorMessage());
    }
    Properties p = loaded.config().properties();
    Properties kafka = new Properties();
    p.stringPropertyNames().stream().filter(k -> !k.startsWith("costpipe.")).forEach(k -> kafka.put(k, p.get(k)));
    IngestSettings settings = new IngestSettings(loaded.http(), CostpipeSettings.INGEST_PORT.read(p),
        CostpipeSettings.TOPIC_RAW_EVENTS.read(p), CostpipeSettings.INGEST_MAX_BODY_BYTES.read(p),
        CostpipeSettings.INGEST_ACK_TIMEOUT.read(p), CostpipeSettings.INGEST_THREADS.read(p),
        CostpipeSettings.INGEST_DRAIN_TIMEOUT.read(p));
    if (settings.ackTimeout().compareTo(HttpEndpoints.MAX_RESPONSE_TIME) >= 0) {
      throw new UserInputException(CostpipeSettings.INGEST_ACK_TIMEOUT.key() + " must be below "
          + HttpEndpoints.MAX_RESPONSE_TIME.toSeconds() + "s, the longest an HTTP response may take");
    }
    String spoolDir = CostpipeSettings.INGEST_SPOOL_DIR.read(p);
    SpoolSettings spool = spoolDir == null ? null
        : new SpoolSettings(Path.of(spoolDir), (long) CostpipeSettings.INGEST_SPOOL_MAX_MB.read(p) << 20);
    IngestServer server;
    try {
      server = IngestServer.start(settings, new EventProducer(kafka, settings.topic(), settings.ackTimeout()), spool);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UserInputException(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (MetricsServer metrics = MetricsServer.start(loaded.metricsPort(), loaded.http(), "ingest",
        new IngestProbe(server))) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close(); // drains requests in flight
        stopped.countDown();
      }, "ingest-shutdown"));
      stopped.await();
    }
    return 0;
  }
}
