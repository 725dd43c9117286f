package dev.costpipe.engine.pricing;

import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exact cost: the total in USD, kept unrounded, and the rates and usage it came from, from which
 * {@link #breakdownNanoUsd()} works out the per-component amounts when asked; {@link #nanoUsd()}
 * rounds the total once, half-even.
 */
public final class Cost {
  private final EffectiveRates rates;
  private final Usage usage;
  private final BigDecimal totalUsd;
  private final List<String> unpriced;

  Cost(EffectiveRates rates, Usage usage, BigDecimal totalUsd, List<String> unpriced) {
    this.rates = rates;
    this.usage = usage;
    this.totalUsd = totalUsd;
    this.unpriced = unpriced;
  }

  /** Billed usage this cost leaves out, as {@code <field>=<value>}; empty when everything was priced. */
  public List<String> unpriced() {
    return unpriced;
  }

  public BigDecimal totalUsd() {
    return totalUsd;
  }

  public long nanoUsd() {
    return toNano(totalUsd);
  }

  /**
   * Non-zero components in nano-USD. Each is rounded down and the remaining nanos go to the largest
   * remainders, so the parts always add up to {@link #nanoUsd()} exactly.
   */
  public Map<String, Long> breakdownNanoUsd() {
    long total = nanoUsd();
    BigDecimal[] components = CostCalculator.parts(rates, usage);
    long[] floors = new long[components.length];
    BigDecimal[] remainders = new BigDecimal[components.length];
    long sum = 0;
    for (int i = 0; i < components.length; i++) {
      if (components[i] == null || components[i].signum() == 0) {
        continue;
      }
      BigDecimal nano = components[i].movePointRight(9);
      BigDecimal floor = nano.setScale(0, RoundingMode.FLOOR);
      floors[i] = floor.longValueExact();
      remainders[i] = nano.subtract(floor);
      sum += floors[i];
    }
    for (long left = total - sum; left > 0; left--) {
      int best = -1;
      for (int i = 0; i < remainders.length; i++) {
        if (remainders[i] != null && (best < 0 || remainders[i].compareTo(remainders[best]) > 0)) {
          best = i;
        }
      }
      floors[best]++;
      remainders[best] = BigDecimal.ZERO.subtract(BigDecimal.ONE);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < components.length; i++) {
      if (remainders[i] != null) {
        out.put(CostComponent.ALL[i].wire(), floors[i]);
      }
    }
    return out;
  }

  public static long toNano(BigDecimal usd) {
    return usd.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }
}
