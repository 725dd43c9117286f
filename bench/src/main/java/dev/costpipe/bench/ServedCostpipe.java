package dev.costpipe.bench;

import dev.costpipe.app.budgets.QueryEndpoints;
import dev.costpipe.app.metrics.MetricsServer;
import dev.costpipe.app.metrics.RunProbe;
import dev.costpipe.http.HttpSettings;
import dev.costpipe.topology.app.CostpipeApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The benchmark's costpipe child: {@code ServedCostpipe <settings.properties> <port>} runs the application with the
 * HTTP server {@code costpipe run} has (metrics, health, {@code /v1/} budgets and totals) on {@code port}, so that
 * the budget check is measured against what a gateway calls.
 */
public final class ServedCostpipe {
  private ServedCostpipe() {}

  public static void main(String[] args) throws Exception {
    Properties settings = new Properties();
    try (var in = Files.newBufferedReader(Path.of(args[0]))) {
      settings.load(in);
    }
    CostpipeApplication app = new CostpipeApplication(settings);
    RunProbe probe = new RunProbe(app);
    MetricsServer server = MetricsServer.start(Integer.parseInt(args[1]), HttpSettings.DEFAULT, "run", probe);
    QueryEndpoints.serve(server.endpoints(), HttpSettings.DEFAULT, app);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      probe.close();
      app.close();
      server.close();
    }, "costpipe-shutdown"));
    app.start();
    Thread.currentThread().join();
  }
}
