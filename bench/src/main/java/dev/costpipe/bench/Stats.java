package dev.costpipe.bench;

import java.util.List;

/** Median and percentiles as the benchmark reports them. */
final class Stats {
  private Stats() {}

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Long> sorted, double pct) {
    int rank = (int) Math.ceil(pct / 100 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** Median of the values (mean of the middle two for an even count); NaN when there are none. */
  static double median(List<Double> values) {
    List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
