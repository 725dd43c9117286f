package dev.costpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.bench.SoakChecks.AlertKey;
import dev.costpipe.bench.SoakFaultPlan.Fault;
import dev.costpipe.devtools.generate.GeneratedEvent;
import dev.costpipe.devtools.generate.GeneratorSettings;
import dev.costpipe.devtools.generate.TrafficGenerator;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.ServerProcesses;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.FiredAlert;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/soak.sh [--minutes 30]}: the pipeline under generated traffic and faults for a while, then checked
 * end to end (see {@link SoakPipeline} for what runs, {@link SoakFaultPlan} for the faults, {@link SoakChecks} for
 * what must hold). Exits 0 when every check holds, 1 otherwise; its figures go to a JSON file either way.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Generated traffic through the whole pipeline while the application is killed -9 every few "
        + "minutes and the broker and ClickHouse are each restarted twice; then ClickHouse's total = the cost "
        + "records' total = costpipe cost's, and each alert level delivered once per window.")
public final class SoakCommand implements Callable<Integer> {
  private static final String RAW_EVENTS = "llm.raw-events";
  private static final String COSTS = "llm.costs";
  private static final String ALERTS = "llm.cost-alerts";
  private static final String DEAD_LETTERS = "llm.raw-events.dlq";
  private static final int SAMPLE_REQUESTS = 2_000;

  @Option(names = "--minutes", defaultValue = "30", description = "minutes of traffic (default: 30; 3 to try it)")
  double minutes;

  @Option(names = "--rate", defaultValue = "20", description = "requests per second (default: 20)")
  double rate;

  @Option(names = "--kill-every",
      description = "minutes between two kill -9 of the application (default: 3, or a third of a shorter run)")
  Double killEveryMinutes;

  @Option(names = "--seed", description = "the generator's seed (default: the clock)")
  Long seed;

  @Option(names = "--partitions", defaultValue = "4", description = "partitions of the topics (default: 4)")
  int partitions;

  @Option(names = "--catch-up-timeout", defaultValue = "10",
      description = "minutes the pipeline has, once the traffic ends, to price and store every request (default: 10)")
  double catchUpMinutes;

  @Option(names = "--out", defaultValue = "soak-results.json", description = "the figures (default: soak-results.json here)")
  Path out;

  @Option(names = "--work-dir", description = "logs, generated events, cost records (default: a new temp directory)")
  Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SoakCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Duration traffic = Duration.ofMillis(Math.round(minutes * 60_000));
    Duration killEvery = killEveryMinutes != null ? Duration.ofMillis(Math.round(killEveryMinutes * 60_000))
        : SoakFaultPlan.defaultKillEvery(traffic);
    long trafficSeed = seed != null ? seed : System.currentTimeMillis();
    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("costpipe-soak-");
    SoakFaultPlan plan = SoakFaultPlan.of(traffic, killEvery);
    ObjectNode report = Json.MAPPER.createObjectNode();
    report.put("started_at", Instant.now().toString());
    report.put("command", "bench/soak.sh --minutes " + minutes + " --rate " + rate);
    report.put("traffic_minutes", minutes);
    report.put("rate_requests_per_s", rate);
    report.put("seed", trafficSeed);
    report.put("work_dir", dir.toString());
    report.set("machine", MachineInfo.describe());
    report.put("load_average_at_start", MachineInfo.loadAverage());
    Progress.say("soak: %s of traffic at %s requests/s, seed %d, %d faults planned; work directory %s",
        traffic, rate, trafficSeed, plan.faults().size(), dir);

    SoakChecks checks = new SoakChecks();
    try (SoakPipeline pipeline = SoakPipeline.start(dir, partitions)) {
      List<String> rules = rules(pipeline, trafficSeed + 1, dir);
      pipeline.putRules(rules);
      SoakTraffic generated = new SoakTraffic(pipeline.bootstrapServers(), RAW_EVENTS, dir.resolve("events.jsonl"),
          trafficSeed, rate, traffic);
      Thread producer = new Thread(generated, "soak-traffic");
      long begin = System.nanoTime();
      producer.start();
      ArrayNode faults = report.putArray("faults");
      for (Fault fault : plan.faults()) {
        long wait = begin + fault.at().toNanos() - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000);
        }
        faults.add(inject(pipeline, fault, begin));
      }
      producer.join();
      long trafficEnd = System.nanoTime();
      report.put("traffic_seconds", (trafficEnd - begin) / 1e9);
      if (generated.failure() != null) {
        checks.fail("the traffic stopped early: " + generated.failure());
      }
      if (generated.refused.get() > 0) {
        checks.fail(generated.refused.get() + " events refused by Kafka; first: " + generated.firstRefusal.get());
      }
      pipeline.checkAlive();
      report.set("traffic", trafficFigures(generated));
      report.set("fault_counts", faultCounts(pipeline, faults));
      Progress.say("traffic done: %d requests, %d events; waiting until ClickHouse has every request",
          generated.requests.get(), generated.events.get());
      boolean caughtUp = awaitTrue(Duration.ofMillis(Math.round(catchUpMinutes * 60_000)),
          () -> clickHouseCount(pipeline) >= generated.requests.get() && clickHouseTotalSettled(pipeline));
      double catchUp = (System.nanoTime() - trafficEnd) / 1e9;
      report.put("catch_up_seconds", caughtUp ? catchUp : null);
      if (!caughtUp) {
        checks.fail("ClickHouse did not have all " + generated.requests.get() + " requests " + catchUpMinutes
            + " minutes after the traffic ended");
      }
      Progress.say("caught up %.0f s after the traffic ended; pricing the same events with costpipe cost", catchUp);
      Map<String, CostRecord> offline = SoakChecks.latestRevisions(readCosts(pipeline, "cost",
          dir.resolve("events.jsonl"), dir.resolve("costs-offline.jsonl")));
      Progress.say("reading the topics and ClickHouse");
      check(pipeline, rules, offline, generated, checks, report);
      report.put("load_average_at_end", MachineInfo.loadAverage());
    } catch (Exception e) {
      checks.fail("the soak itself failed: " + e);
      throw e;
    } finally {
      report.put("ended_at", Instant.now().toString());
      report.put("passed", checks.passed());
      ArrayNode failures = report.putArray("failures");
      checks.failures().forEach(failures::add);
      Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
      Progress.say("figures written to %s", out.toAbsolutePath());
    }
    System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    checks.failures().forEach(f -> System.out.println("MISMATCH: " + f));
    System.out.println(checks.passed() ? "soak: every check holds" : "soak: " + checks.failures().size() + " checks failed");
    return checks.passed() ? 0 : 1;
  }

  private static ObjectNode inject(SoakPipeline pipeline, Fault fault, long begin) throws Exception {
    long start = System.nanoTime();
    Progress.say("fault at %s: %s", fault.at(), fault.kind());
    switch (fault.kind()) {
      case KILL_APPLICATION -> pipeline.killApplication();
      case RESTART_BROKER -> pipeline.restartBroker();
      case RESTART_CLICKHOUSE -> pipeline.restartClickHouse();
    }
    pipeline.checkAlive();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("kind", fault.kind().name().toLowerCase());
    o.put("at_seconds", (start - begin) / 1e9);
    o.put("back_after_seconds", (System.nanoTime() - start) / 1e9);
    return o;
  }

  /**
   * Budget rules the traffic crosses: an hourly one on production spend and a daily one on all spend, sized from
   * the offline cost of a sample of the same generator's requests, and an hourly count of requests.
   */
  private List<String> rules(SoakPipeline pipeline, long sampleSeed, Path dir) throws IOException {
    Path sample = dir.resolve("sample-events.jsonl");
    TrafficGenerator generator = new TrafficGenerator(GeneratorSettings.defaults(sampleSeed));
    try (OutputStream o = Files.newOutputStream(sample)) {
      for (int i = 0; i < SAMPLE_REQUESTS; i++) {
        for (GeneratedEvent e : generator.nextRequest(Instant.now())) {
          o.write(e.value());
          o.write('\n');
        }
      }
    }
    List<CostRecord> priced = readCosts(pipeline, "cost-sample", sample, dir.resolve("sample-costs.jsonl"));
    BigDecimal meanUsd = BigDecimal.valueOf(priced.stream().mapToLong(SoakChecks::cost).sum())
        .divide(BigDecimal.valueOf(priced.size()).multiply(BigDecimal.valueOf(1_000_000_000L)), 9, RoundingMode.HALF_UP);
    double hourRequests = rate * 60 * Math.min(60, minutes);
    BigDecimal hourly = meanUsd.multiply(BigDecimal.valueOf(hourRequests * 0.8 * 0.5)).setScale(2, RoundingMode.HALF_UP);
    BigDecimal daily = meanUsd.multiply(BigDecimal.valueOf(rate * 60 * minutes * 0.9)).setScale(2, RoundingMode.HALF_UP);
    Progress.say("mean cost of a sampled request: $%s; budgets: $%s per hour of production, $%s per day",
        meanUsd.toPlainString(), hourly.toPlainString(), daily.toPlainString());
    return List.of(
        "{\"id\":\"soak-production-hourly\",\"name\":\"Soak: production spend per hour\",\"metric\":\"cost\","
            + "\"budget_usd\":" + hourly.toPlainString() + ",\"window\":\"1h\",\"levels\":[50,80,95,100],"
            + "\"filter\":{\"properties\":{\"Environment\":\"production\"}}}",
        "{\"id\":\"soak-daily\",\"name\":\"Soak: spend per day\",\"metric\":\"cost\",\"budget_usd\":"
            + daily.toPlainString() + ",\"window\":\"1d\",\"levels\":[25,50,80,100]}",
        "{\"id\":\"soak-requests-hourly\",\"name\":\"Soak: requests per hour\",\"metric\":\"requests\","
            + "\"budget_count\":" + Math.round(hourRequests * 0.6) + ",\"window\":\"1h\",\"levels\":[50,100]}");
  }

  private static List<CostRecord> readCosts(SoakPipeline pipeline, String name, Path events, Path costs)
      throws IOException {
    pipeline.costOffline(name, events, costs);
    try (var lines = Files.lines(costs)) {
      return lines.filter(l -> !l.isBlank()).map(CostRecordJson::read).toList();
    }
  }

  private static void check(SoakPipeline pipeline, List<String> ruleTexts, Map<String, CostRecord> offline,
      SoakTraffic generated, SoakChecks checks, ObjectNode report) throws IOException, InterruptedException {
    Duration read = Duration.ofMinutes(2);
    List<CostRecord> onTopic = pipeline.broker().readAll(COSTS, read).stream()
        .map(r -> CostRecordJson.read(r.value())).toList();
    Map<String, CostRecord> latest = SoakChecks.latestRevisions(onTopic);
    Map<String, Long> inClickHouse = pipeline.clickhouse().query("SELECT request_id AS id,"
            + " toString(ifNull(cost_nano_usd, 0)) AS c FROM costpipe.request_costs FINAL FORMAT JSONEachRow").stream()
        .collect(Collectors.toMap(r -> (String) r.get("id"), r -> Long.parseLong((String) r.get("c")), (a, b) -> -1L));
    long rows = clickHouseCount(pipeline);
    Map<String, Long> offlineCosts = SoakChecks.costs(offline);
    Map<String, Long> topicCosts = SoakChecks.costs(latest);
    checks.sameCosts("llm.costs (latest revisions)", topicCosts, "costpipe cost", offlineCosts);
    checks.sameCosts("ClickHouse request_costs FINAL", inClickHouse, "costpipe cost", offlineCosts);
    checks.oneRowPerRequest(rows, inClickHouse.size());

    List<AlertRule> rules = ruleTexts.stream().map(t -> AlertRule.parse(t.getBytes(StandardCharsets.UTF_8))).toList();
    Set<AlertKey> expected = SoakChecks.expectedAlerts(rules, offline.values());
    List<AlertKey> fired = pipeline.broker().readAll(ALERTS, read).stream()
        .map(r -> alertKey(readTree(r.value()))).toList();
    awaitTrue(Duration.ofMinutes(2), () -> lines(pipeline.alertsDelivered()).size() >= fired.size());
    List<AlertKey> delivered = lines(pipeline.alertsDelivered()).stream().map(l -> alertKey(readTree(l))).toList();
    checks.eachAlertOnce(ALERTS, fired, expected);
    checks.eachAlertOnce("webhook receiver", delivered, expected);
    long deadLettered = pipeline.broker().readAll(DEAD_LETTERS, read).size();
    checks.everyBadEventDeadLettered(deadLettered, generated.malformed.get());

    ObjectNode totals = report.putObject("totals");
    totals.put("requests_costpipe_cost", offline.size());
    totals.put("requests_llm_costs", latest.size());
    totals.put("requests_clickhouse", inClickHouse.size());
    totals.put("rows_clickhouse_final", rows);
    totals.put("cost_records_on_topic", onTopic.size());
    totals.put("revised_requests", latest.values().stream().filter(r -> r.revision() > 0).count());
    totals.put("nano_usd_costpipe_cost", SoakChecks.total(offlineCosts));
    totals.put("nano_usd_llm_costs", SoakChecks.total(topicCosts));
    totals.put("nano_usd_clickhouse", SoakChecks.total(inClickHouse));
    totals.put("dead_lettered", deadLettered);
    ObjectNode alerts = report.putObject("alerts");
    alerts.put("expected", expected.size());
    alerts.put("on_topic", fired.size());
    alerts.put("delivered", delivered.size());
    alerts.put("repeats_dropped_by_receiver", pipeline.repeatedDeliveries());
    Map<String, Long> perRule = expected.stream().collect(Collectors.groupingBy(AlertKey::ruleId, Collectors.counting()));
    alerts.set("expected_per_rule", Json.MAPPER.valueToTree(perRule));
  }

  private static long clickHouseCount(SoakPipeline pipeline) {
    return Long.parseLong(String.valueOf(pipeline.clickhouse()
        .query("SELECT toString(count()) AS n FROM costpipe.request_costs FINAL FORMAT JSONEachRow").get(0).get("n")));
  }

  /**
   * Whether ClickHouse's total stays the same over 5 s (the sink may still be writing a last revision): part of the
   * catch-up time.
   */
  private static boolean clickHouseTotalSettled(SoakPipeline pipeline) {
    String sum = "SELECT toString(sum(ifNull(cost_nano_usd, 0))) AS s FROM costpipe.request_costs FINAL"
        + " FORMAT JSONEachRow";
    Object before = pipeline.clickhouse().query(sum).get(0).get("s");
    ServerProcesses.sleep(5_000, "ClickHouse's total to settle");
    return before.equals(pipeline.clickhouse().query(sum).get(0).get("s"));
  }

  private static AlertKey alertKey(JsonNode alert) {
    FiredAlert a = FiredAlert.fromTree(alert);
    return new AlertKey(a.ruleId(), a.windowStart().toString(), a.levelPct());
  }

  private static JsonNode readTree(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + line, e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e, e);
    }
  }

  private static ObjectNode trafficFigures(SoakTraffic t) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("requests", t.requests.get());
    o.put("events", t.events.get());
    o.put("malformed_events", t.malformed.get());
    o.put("requests_sent_twice", t.requestsSentTwice.get());
    o.put("chunks_sent_twice", t.chunksSentTwice.get());
    o.put("events_acknowledged", t.acknowledged.get());
    o.put("events_refused", t.refused.get());
    return o;
  }

  private static ObjectNode faultCounts(SoakPipeline pipeline, ArrayNode faults) {
    Map<String, Long> byKind = new TreeMap<>();
    faults.forEach(f -> byKind.merge(f.path("kind").asText(), 1L, Long::sum));
    ObjectNode o = Json.MAPPER.valueToTree(byKind);
    o.put("application_starts", pipeline.applicationStarts());
    return o;
  }

  /** Polls {@code condition} every 2 s until it holds or {@code timeout} passes; a failing poll counts as false. */
  private static boolean awaitTrue(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException e) {
        Progress.say("waiting: %s", e.getMessage());
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(2_000);
    }
  }
}
