package dev.costpipe.engine.catalogue;

import dev.costpipe.engine.pricing.PricingEntry;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What an import of a foreign price catalogue produced: the entries, and why the rest was skipped. */
public record ImportResult(List<PricingEntry> entries, int imported, Map<String, Integer> skippedByReason) {

  public ImportResult {
    entries = List.copyOf(entries);
    skippedByReason = Collections.unmodifiableSortedMap(new TreeMap<>(skippedByReason));
  }

  public int skipped() {
    return skippedByReason.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** One line, e.g. {@code imported 2391 entries, skipped 593 (duplicate key: 12, priced per second: 40)}. */
  public String summary() {
    String reasons = skippedByReason.entrySet().stream()
        .map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining(", "));
    return "imported " + imported + " entries, skipped " + skipped()
        + (reasons.isEmpty() ? "" : " (" + reasons + ")");
  }
}
