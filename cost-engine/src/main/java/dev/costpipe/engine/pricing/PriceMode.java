package dev.costpipe.engine.pricing;

import java.math.BigDecimal;

/**
 * How a billing mode changes a period's prices: a service tier ({@code flex}, {@code priority},
 * {@code scale}), {@code batch}, Anthropic's {@code fast} mode, or an inference region
 * ({@code geo_<region>}, e.g. {@code geo_us}). {@code rates} are laid over the rates the request would
 * otherwise pay (base or context tier), then every token rate is multiplied by {@code multiplier}
 * (per-call fees are not). A mode that only discounts is a multiplier alone (Batch: 0.5).
 */
public record PriceMode(BigDecimal multiplier, Rates rates) {

  public PriceMode {
    multiplier = multiplier == null ? BigDecimal.ONE : multiplier;
    rates = rates == null ? Rates.EMPTY : rates;
    if (multiplier.signum() < 0) {
      throw new IllegalArgumentException("a price mode's multiplier must be >= 0");
    }
  }

  /** The rates a request in this mode pays instead of {@code otherwise}. */
  public Rates over(Rates otherwise) {
    Rates laid = rates.over(otherwise);
    return multiplier.compareTo(BigDecimal.ONE) == 0 ? laid : laid.timesTokenRates(multiplier);
  }

  /** The key a usage's inference region has among a period's modes. */
  public static String geoKey(String inferenceGeo) {
    return "geo_" + inferenceGeo;
  }
}
