package dev.costpipe.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The latency of {@code POST /v1/budgets/check} as a gateway sees it: {@code --concurrency} callers each asking in
 * a loop (a new answer as soon as the last came), against a running {@code costpipe run}; prints p50/p99/max and
 * the rate, and the statuses. How to run it under traffic: docs/budgets.md#latency.
 */
@Command(name = "budget-check-bench", mixinStandardHelpOptions = true,
    description = "Latency of POST /v1/budgets/check against a running costpipe run.")
public final class BudgetCheckBench implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:9464", description = "costpipe run's HTTP server.")
  String url;

  @Option(names = "--user", defaultValue = "user-1", description = "The user_id of the calls checked.")
  String user;

  @Option(names = "--estimate", defaultValue = "0.01", description = "Their estimated_cost_usd.")
  String estimate;

  @Option(names = "--requests", defaultValue = "20000", description = "Checks measured (after --warmup).")
  int requests;

  @Option(names = "--warmup", defaultValue = "5000", description = "Checks sent first and not measured.")
  int warmup;

  @Option(names = "--concurrency", defaultValue = "4", description = "Callers asking at once.")
  int concurrency;

  @Option(names = "--token", description = "A bearer token (when costpipe.http.tokens-file is set).")
  String token;

  @Option(names = "--unrelated-rules", defaultValue = "0", paramLabel = "N",
      description = "Put N rules that apply to no check (each for another user) first, and wait until they are in force.")
  int unrelatedRules;

  @Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092", description = "Kafka, for --unrelated-rules.")
  String bootstrapServer;

  @Option(names = "--rules-topic", defaultValue = "llm.alert-rules", description = "The rules' topic, for --unrelated-rules.")
  String rulesTopic;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BudgetCheckBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    if (unrelatedRules > 0) {
      UnrelatedRules.put(bootstrapServer, rulesTopic, unrelatedRules, client, url, token);
    }
    HttpRequest request = checkRequest(url, user, estimate, token);
    run(client, request, warmup, null);
    Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
    long start = System.nanoTime();
    List<Long> micros = run(client, request, requests, statuses);
    double seconds = (System.nanoTime() - start) / 1e9;
    Collections.sort(micros);
    System.out.printf("{\"requests\":%d,\"concurrency\":%d,\"unrelated_rules\":%d,\"per_second\":%.0f,\"p50_ms\":%.3f,"
            + "\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.2f,\"statuses\":%s}%n", micros.size(), concurrency,
        unrelatedRules, micros.size() / seconds,
        Stats.percentile(micros, 50) / 1000, Stats.percentile(micros, 90) / 1000,
        Stats.percentile(micros, 99) / 1000, micros.get(micros.size() - 1) / 1000.0,
        statuses.toString().replace('=', ':').replaceAll("(\\d+):", "\"$1\":"));
    return 0;
  }

  /** The check of a call by {@code user} estimated at {@code estimate} USD ({@code token}: null for none). */
  static HttpRequest checkRequest(String url, String user, String estimate, String token) {
    return RunRequests.to(url, "/v1/budgets/check", token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"" + user + "\",\"estimated_cost_usd\":\""
            + estimate + "\"}")).build();
  }

  /** {@code n} checks spread over the callers; each one's latency in µs. */
  private List<Long> run(HttpClient client, HttpRequest request, int n, Map<Integer, Integer> statuses)
      throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<List<Long>>> each = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        int share = n / concurrency + (c < n % concurrency ? 1 : 0);
        each.add(callers.submit(() -> {
          List<Long> out = new ArrayList<>(share);
          for (int i = 0; i < share; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            out.add((System.nanoTime() - t0) / 1000);
            if (statuses != null) {
              statuses.merge(r.statusCode(), 1, Integer::sum);
            }
          }
          return out;
        }));
      }
      List<Long> all = new ArrayList<>(n);
      for (Future<List<Long>> f : each) {
        all.addAll(f.get());
      }
      return all;
    } finally {
      callers.shutdownNow();
    }
  }
}
