package dev.costpipe.topology.query;

import dev.costpipe.topology.alert.AlertRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.streams.KeyValue;

/**
 * The rules of the global store, each parsed once per value stored, so that a budget check costs a comparison per
 * rule instead of a parse. An entry is a rule id, the bytes it was parsed from and what they parsed to; it answers
 * only for those very bytes (compared in full), so a rule put again with any change is parsed again on the next
 * read, and an id the store no longer holds is dropped. Safe for the HTTP server's threads: two readers racing
 * cost a parse, never an answer from other bytes than those read.
 */
final class ParsedRules {
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** {@code rule} is empty when {@code bytes} are unreadable (as the topology skips them). */
  private record Entry(byte[] bytes, Optional<AlertRule> rule) {}

  /** The rule stored under {@code id} as {@code bytes} (null: none stored); empty when none or unreadable. */
  Optional<AlertRule> rule(String id, byte[] bytes) {
    if (bytes == null) {
      entries.remove(id);
      return Optional.empty();
    }
    Entry e = entries.get(id);
    if (e == null || !Arrays.equals(e.bytes(), bytes)) {
      // a copy: the entry must keep what it was parsed from, whatever becomes of the caller's array
      e = new Entry(bytes.clone(), parse(bytes));
      entries.put(id, e);
    }
    return e.rule();
  }

  /** The readable rules of a read of the whole store; the entries of ids it does not hold are dropped. */
  List<AlertRule> all(Iterator<KeyValue<String, byte[]>> store) {
    List<AlertRule> rules = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    store.forEachRemaining(kv -> {
      ids.add(kv.key);
      rule(kv.key, kv.value).ifPresent(rules::add);
    });
    // every id read has an entry now: more entries than ids means some are of rules deleted
    if (entries.size() > ids.size()) {
      entries.keySet().retainAll(new HashSet<>(ids));
    }
    return rules;
  }

  /** How many rules are held parsed. */
  int size() {
    return entries.size();
  }

  private static Optional<AlertRule> parse(byte[] bytes) {
    try {
      return Optional.of(AlertRule.parse(bytes));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
