package dev.costpipe.bench;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.alert.AlertRule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the soak run ({@link SoakCommand}) checks at its end, apart from the servers: the cost per request three ways
 * (ClickHouse's {@code request_costs FINAL}, the latest revision of each request on {@code llm.costs}, and
 * {@code costpipe cost} over the same generated events), each alert level once per window on the alerts topic and
 * at the webhook receiver, exactly the levels the offline costs reach, and every malformed event in the DLQ.
 * Every mismatch is one line of {@link #failures()}, naming request ids where there are some.
 */
final class SoakChecks {
  /** How many request ids a failure line names at most. */
  static final int EXAMPLES = 10;

  /** One alert: a rule's level crossed in the window starting at {@code windowStart} (ISO-8601 instant). */
  record AlertKey(String ruleId, String windowStart, int levelPct) implements Comparable<AlertKey> {
    @Override
    public int compareTo(AlertKey o) {
      return toString().compareTo(o.toString());
    }
  }

  private final List<String> failures = new ArrayList<>();

  List<String> failures() {
    return List.copyOf(failures);
  }

  boolean passed() {
    return failures.isEmpty();
  }

  /**
   * Each request's cost (nano-USD, 0 when unpriced) from its latest revision: the record with the highest
   * {@code revision} wins, as in ClickHouse and on the topic's readers.
   */
  static Map<String, CostRecord> latestRevisions(Collection<CostRecord> records) {
    Map<String, CostRecord> latest = new HashMap<>();
    for (CostRecord r : records) {
      latest.merge(r.requestId(), r, (a, b) -> b.revision() >= a.revision() ? b : a);
    }
    return latest;
  }

  static long cost(CostRecord r) {
    return r.costNanoUsd() == null ? 0 : r.costNanoUsd();
  }

  static long total(Map<String, Long> costs) {
    return costs.values().stream().mapToLong(Long::longValue).sum();
  }

  static Map<String, Long> costs(Map<String, CostRecord> records) {
    return records.values().stream().collect(Collectors.toMap(CostRecord::requestId, SoakChecks::cost));
  }

  /** The alerts {@code rules} must fire over {@code records}: each level their window's final spend reaches. */
  static Set<AlertKey> expectedAlerts(List<AlertRule> rules, Collection<CostRecord> records) {
    Set<AlertKey> expected = new TreeSet<>();
    for (AlertRule rule : rules) {
      Map<String, Long> spentPerWindow = new TreeMap<>();
      for (CostRecord r : records) {
        if (rule.matches(r)) {
          spentPerWindow.merge(rule.window().startOf(r.timestamp()).toString(), rule.amount(r), Long::sum);
        }
      }
      spentPerWindow.forEach((window, spent) -> {
        for (int level : rule.levels()) {
          // spent / budget ≥ level %, in exact integers, as the topology decides
          if (BigInteger.valueOf(spent).multiply(BigInteger.valueOf(100))
              .compareTo(BigInteger.valueOf(rule.budget()).multiply(BigInteger.valueOf(level))) >= 0) {
            expected.add(new AlertKey(rule.id(), window, level));
          }
        }
      });
    }
    return expected;
  }

  /**
   * The same request ids with the same cost in {@code actual} as in {@code expected} (where each is a map of
   * request id to nano-USD).
   */
  void sameCosts(String what, Map<String, Long> actual, String against, Map<String, Long> expected) {
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    List<String> different = new ArrayList<>();
    expected.forEach((id, cost) -> {
      Long got = actual.get(id);
      if (got == null) {
        missing.add(id);
      } else if (!got.equals(cost)) {
        different.add(id + " (" + got + " instead of " + cost + ")");
      }
    });
    actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(extra::add);
    long actualTotal = total(actual);
    long expectedTotal = total(expected);
    if (actualTotal != expectedTotal) {
      failures.add(what + ": total " + actualTotal + " nano-USD, " + against + ": " + expectedTotal
          + " (difference " + (actualTotal - expectedTotal) + ")");
    }
    some(what + ": " + missing.size() + " requests of " + against + " missing", missing);
    some(what + ": " + extra.size() + " requests not in " + against, extra);
    some(what + ": " + different.size() + " requests priced differently from " + against, different);
  }

  /** Rows per request in ClickHouse ({@code count() FINAL} against distinct ids): exactly one each. */
  void oneRowPerRequest(long rows, long distinctRequests) {
    if (rows != distinctRequests) {
      failures.add("ClickHouse: " + rows + " rows in request_costs FINAL for " + distinctRequests + " requests");
    }
  }

  /**
   * Every alert of {@code expected} exactly once in {@code seen} (the alerts topic, or the deliveries the webhook
   * receiver wrote), and nothing else.
   */
  void eachAlertOnce(String where, List<AlertKey> seen, Set<AlertKey> expected) {
    Map<AlertKey, Long> times = seen.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new,
        Collectors.counting()));
    some(where + ": alerts repeated", times.entrySet().stream().filter(e -> e.getValue() > 1)
        .map(e -> e.getKey() + " × " + e.getValue()).toList());
    some(where + ": alerts missing", expected.stream().filter(k -> !times.containsKey(k)).map(Objects::toString)
        .toList());
    Set<AlertKey> unexpected = new HashSet<>(times.keySet());
    unexpected.removeAll(expected);
    some(where + ": alerts that the costs do not reach", new TreeSet<>(unexpected).stream().map(Objects::toString)
        .toList());
  }

  /** Exactly the malformed events the traffic sent on the dead-letter topic. */
  void everyBadEventDeadLettered(long deadLettered, long malformedSent) {
    if (deadLettered != malformedSent) {
      failures.add("dead-letter topic: " + deadLettered + " records for " + malformedSent + " malformed events sent");
    }
  }

  /** A failure of the run itself (events not acknowledged, no catch-up in time, …). */
  void fail(String why) {
    failures.add(why);
  }

  private void some(String what, List<String> items) {
    if (!items.isEmpty()) {
      failures.add(what + ": " + String.join(", ", items.subList(0, Math.min(EXAMPLES, items.size())))
          + (items.size() > EXAMPLES ? ", …" : ""));
    }
  }
}
