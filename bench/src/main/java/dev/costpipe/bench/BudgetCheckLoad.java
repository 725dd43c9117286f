package dev.costpipe.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway's budget checks while the paced traffic flows: {@code POST /v1/budgets/check} for {@link #USER} once per
 * request of that traffic (at its request rate; at once when behind), with the three rules {@link #RULES} in force
 * (one per user, one for the user, one for everyone), against the benchmark's single instance: every key local.
 * The checks come from {@code --budget-check-callers} callers, each asking at its share of the rate, as a gateway's
 * request threads would: one (the default) manages about 1,000 checks a second on two warm loaded cores (each check
 * followed by the control below), about half the paced traffic's requests; ten ask them all. Each caller's first checks, {@link
 * #WARMUP} in all, are not measured. After each check the same caller asks {@code GET /health/live} of the same
 * server, the control: an answer that reads no store, so that the check's own cost shows apart from what the loaded
 * machine adds to any HTTP answer.
 */
final class BudgetCheckLoad implements AutoCloseable {
  /** A heavy user of the generator's traffic. */
  static final String USER = "user-0001";
  static final int WARMUP = 100;
  static final double P99_TARGET_MS = 10;
  static final List<String> RULES = List.of(
      "{\"id\":\"bench-per-user-daily\",\"budget_usd\":20,\"window\":\"1d\",\"per\":\"user_id\"}",
      "{\"id\":\"bench-user-hourly\",\"budget_usd\":5,\"window\":\"1h\",\"filter\":{\"user_id\":\"" + USER + "\"}}",
      "{\"id\":\"bench-all-daily\",\"budget_usd\":1000,\"window\":\"1d\"}");

  /**
   * Latencies in ms; {@code perSecond}: checks answered a second, all callers; {@code failed}: checks answered other
   * than 200, or not at all; control: /health/live's.
   */
  record Result(long checks, int callers, double p50Ms, double p99Ms, double maxMs, double perSecond, long failed,
      double controlP50Ms, double controlP99Ms) {}

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final HttpRequest check;
  private final HttpRequest control;
  private final List<Caller> callers = new ArrayList<>();
  private volatile boolean stopped;

  private BudgetCheckLoad(int port, double perSecond, int count) {
    this.check = BudgetCheckBench.checkRequest("http://127.0.0.1:" + port, USER, "0.01", null);
    this.control = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
        .timeout(Duration.ofSeconds(10)).build();
    long intervalNanos = (long) (1e9 * count / perSecond);
    for (int i = 0; i < count; i++) {
      // staggered, so that together they ask at the rate's even pace; each waits for its turn, so more callers
      // never ask more than the rate
      callers.add(new Caller(i, intervalNanos, intervalNanos * i / count, (WARMUP + count - 1) / count));
    }
  }

  /**
   * Puts the rules on {@code rulesTopic}, then starts {@code callers} callers checking {@code perSecond} in all against
   * the instance on {@code port}.
   */
  static BudgetCheckLoad start(String bootstrap, String rulesTopic, int port, double perSecond, int callers) {
    Map<String, String> rules = new LinkedHashMap<>();
    RULES.forEach(rule -> rules.put(rule.substring(7, rule.indexOf('"', 7)), rule));
    RunRequests.putRules(bootstrap, rulesTopic, rules);
    BudgetCheckLoad load = new BudgetCheckLoad(port, perSecond, callers);
    load.callers.forEach(c -> c.thread.start());
    return load;
  }

  /** One caller: a check, then the control, at its own pace; what it measured is read once it has ended. */
  private final class Caller {
    private final Thread thread;
    private final long intervalNanos;
    private final long offsetNanos;
    private final int warmup;
    private final List<Long> micros = new ArrayList<>();
    private final List<Long> controlMicros = new ArrayList<>();
    private long failed;
    private long measuredFromNanos;

    Caller(int index, long intervalNanos, long offsetNanos, int warmup) {
      this.intervalNanos = intervalNanos;
      this.offsetNanos = offsetNanos;
      this.warmup = warmup;
      this.thread = new Thread(this::call, "bench-budget-checks-" + (index + 1));
    }

    private void call() {
      int n = 0;
      long next = System.nanoTime() + offsetNanos;
      while (!stopped) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } catch (InterruptedException e) {
            return;
          }
        }
        next += intervalNanos;
        if (n == warmup) {
          measuredFromNanos = System.nanoTime();
        }
        long t0 = System.nanoTime();
        boolean ok = answered(check);
        long t1 = System.nanoTime();
        answered(control);
        long t2 = System.nanoTime();
        if (n++ >= warmup) {
          micros.add((t1 - t0) / 1000);
          controlMicros.add((t2 - t1) / 1000);
          failed += ok ? 0 : 1;
        }
      }
    }
  }

  /** Whether {@code request} was answered 200. */
  private boolean answered(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
      return false;
    }
  }

  /** Stops the checks and returns their latencies. */
  Result stop() throws InterruptedException {
    close();
    long measuredToNanos = System.nanoTime();
    List<Long> micros = new ArrayList<>();
    List<Long> controlMicros = new ArrayList<>();
    long failed = 0;
    long measuredFromNanos = Long.MAX_VALUE;
    for (Caller c : callers) {
      micros.addAll(c.micros);
      controlMicros.addAll(c.controlMicros);
      failed += c.failed;
      if (!c.micros.isEmpty()) {
        measuredFromNanos = Math.min(measuredFromNanos, c.measuredFromNanos);
      }
    }
    if (micros.isEmpty()) {
      throw new IllegalStateException("budget checks: fewer than " + WARMUP + " answered during the paced traffic");
    }
    micros.sort(null);
    controlMicros.sort(null);
    return new Result(micros.size(), callers.size(), Stats.percentile(micros, 50) / 1000,
        Stats.percentile(micros, 99) / 1000, micros.get(micros.size() - 1) / 1000.0,
        micros.size() / ((measuredToNanos - measuredFromNanos) / 1e9), failed,
        Stats.percentile(controlMicros, 50) / 1000, Stats.percentile(controlMicros, 99) / 1000);
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Caller c : callers) {
      c.thread.join();
    }
  }
}
