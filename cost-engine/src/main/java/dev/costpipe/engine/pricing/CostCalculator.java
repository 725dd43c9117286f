package dev.costpipe.engine.pricing;

import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;

/**
 * The cost formula of the README, in BigDecimal:
 *
 * <pre>
 * (input − cache_read − cache_write − cache_write_1h − audio_input) × input
 * + cache_read × cache_read + cache_write × cache_write + cache_write_1h × cache_write_1h
 * + audio_input × audio_input
 * + (output − reasoning − audio_output) × output + reasoning × reasoning + audio_output × audio_output
 * + web_search_calls × per_web_search + images × per_image + per_request
 * </pre>
 */
public final class CostCalculator {
  private CostCalculator() {}

  public static Cost compute(PricePlan plan, Usage usage) {
    EffectiveRates rates = plan.ratesFor(usage);
    BigDecimal[] parts = new BigDecimal[CostComponent.ALL.length];
    BigDecimal total = BigDecimal.ZERO;
    total = add(parts, total, rates, CostComponent.INPUT, usage.uncachedTextInputTokens());
    total = add(parts, total, rates, CostComponent.CACHE_READ, usage.cacheReadTokens());
    total = add(parts, total, rates, CostComponent.CACHE_WRITE, usage.cacheWriteTokens());
    total = add(parts, total, rates, CostComponent.CACHE_WRITE_1H, usage.cacheWrite1hTokens());
    total = add(parts, total, rates, CostComponent.AUDIO_INPUT, usage.audioInputTokens());
    total = add(parts, total, rates, CostComponent.OUTPUT, usage.plainOutputTokens());
    total = add(parts, total, rates, CostComponent.REASONING, usage.reasoningTokens());
    total = add(parts, total, rates, CostComponent.AUDIO_OUTPUT, usage.audioOutputTokens());
    total = add(parts, total, rates, CostComponent.WEB_SEARCH, usage.webSearchCalls());
    total = add(parts, total, rates, CostComponent.IMAGES, usage.images());
    total = add(parts, total, rates, CostComponent.REQUEST, 1);
    return new Cost(parts, total);
  }

  private static BigDecimal add(BigDecimal[] parts, BigDecimal total, EffectiveRates rates,
      CostComponent component, long quantity) {
    if (quantity == 0) {
      return total;
    }
    BigDecimal rate = rates.rate(component);
    if (rate.signum() == 0) {
      return total;
    }
    BigDecimal part = rate.multiply(BigDecimal.valueOf(quantity));
    parts[component.ordinal()] = part;
    return total.add(part);
  }
}
