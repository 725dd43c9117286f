package dev.costpipe.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rules that apply to no call the budget check bench makes (each for a user of its own), so that a check is
 * measured with many rules in force: every check reads past all of them.
 */
final class UnrelatedRules {
  private static final Duration IN_FORCE_WITHIN = Duration.ofMinutes(2);

  private UnrelatedRules() {}

  static String id(int i) {
    return String.format("bench-unrelated-%04d", i);
  }

  /** Puts {@code n} rules on {@code topic}, then waits until the instance at {@code url} has every one in force. */
  static void put(String bootstrap, String topic, int n, HttpClient client, String url, String token)
      throws Exception {
    Map<String, String> rules = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      rules.put(id(i), "{\"id\":\"" + id(i) + "\",\"budget_usd\":5,\"window\":\"1d\",\"filter\":{\"user_id\":\""
          + id(i) + "\"}}");
    }
    RunRequests.putRules(bootstrap, topic, rules);
    long deadline = System.nanoTime() + IN_FORCE_WITHIN.toNanos();
    for (int i = 0; i < n; i++) {
      HttpRequest get = RunRequests.to(url, "/v1/budgets/" + id(i), token).build();
      while (client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("rule " + id(i) + " not in force at " + url + " after "
              + IN_FORCE_WITHIN.toSeconds() + " s");
        }
        Thread.sleep(100);
      }
    }
  }
}
