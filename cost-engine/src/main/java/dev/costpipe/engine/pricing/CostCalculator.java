package dev.costpipe.engine.pricing;

import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost formula of the README, in BigDecimal, at the rates of the request's context tier, time of day
 * and billing modes ({@link PricePlan#ratesFor}):
 *
 * <pre>
 * (input − cache_read − cache_write − cache_write_1h − audio_input + cache_read_audio − image_input
 *   − video_input) × input
 * + (cache_read − cache_read_audio) × cache_read + cache_write × cache_write
 * + cache_write_1h × cache_write_1h + (audio_input − cache_read_audio) × audio_input
 * + cache_read_audio × cache_read_audio + image_input × image_input + video_input × video_input
 * + (output − reasoning − audio_output − image_output) × output + reasoning × reasoning
 * + audio_output × audio_output + image_output × image_output
 * + web_search_calls × per_web_search + search_sources × per_search_source
 * + server_tool_calls × per_server_tool_call + images × per_image + per_request
 * </pre>
 *
 * <p>What the price cannot cover is listed in {@link Cost#unpriced()}: a per-call count (web searches,
 * search sources, server tool calls, images) with no fee in the entry, and a service tier or inference region the entry
 * has no mode for (then the standard rates apply).
 */
public final class CostCalculator {
  private CostCalculator() {}

  /** The cost of a request made at {@code at} (UTC; it selects the period's time-of-day prices). */
  public static Cost compute(PricePlan plan, Usage usage, Instant at) {
    EffectiveRates rates = plan.ratesFor(usage, at);
    return new Cost(rates, usage, total(rates, usage), unpriced(plan, rates, usage));
  }

  /** How many units of {@code component} a request used: tokens, calls, sources, images, the request. */
  static long quantity(CostComponent component, Usage usage) {
    return switch (component) {
      case INPUT -> usage.uncachedTextInputTokens();
      case CACHE_READ -> usage.textCacheReadTokens();
      case CACHE_WRITE -> usage.cacheWriteTokens();
      case CACHE_WRITE_1H -> usage.cacheWrite1hTokens();
      case AUDIO_INPUT -> usage.uncachedAudioInputTokens();
      case CACHE_READ_AUDIO -> usage.cacheReadAudioTokens();
      case IMAGE_INPUT -> usage.imageInputTokens();
      case VIDEO_INPUT -> usage.videoInputTokens();
      case OUTPUT -> usage.plainOutputTokens();
      case REASONING -> usage.reasoningTokens();
      case AUDIO_OUTPUT -> usage.audioOutputTokens();
      case IMAGE_OUTPUT -> usage.imageOutputTokens();
      case WEB_SEARCH -> usage.webSearchCalls();
      case SEARCH_SOURCES -> usage.searchSources();
      case SERVER_TOOL_CALLS -> usage.serverToolCalls();
      case IMAGES -> usage.images();
      case REQUEST -> 1;
    };
  }

  /** Each component's amount in USD, by ordinal; null where the request used none or the rate is zero. */
  static BigDecimal[] parts(EffectiveRates rates, Usage usage) {
    BigDecimal[] parts = new BigDecimal[CostComponent.ALL.length];
    for (CostComponent c : rates.priced) {
      long quantity = quantity(c, usage);
      if (quantity != 0) {
        parts[c.ordinal()] = rates.rate(c).multiply(BigDecimal.valueOf(quantity));
      }
    }
    return parts;
  }

  /**
   * The sum of the parts, exact: the rates share one scale, so it is a sum of long multiples of 10^-scale USD,
   * added as longs; BigDecimal only when a product or the sum leaves the range of a long.
   */
  private static BigDecimal total(EffectiveRates rates, Usage usage) {
    if (rates.fitLong) {
      try {
        long sum = 0;
        boolean any = false;
        for (CostComponent c : rates.priced) {
          long quantity = quantity(c, usage);
          if (quantity != 0) {
            sum = Math.addExact(sum, Math.multiplyExact(rates.unscaled[c.ordinal()], quantity));
            any = true;
          }
        }
        return any ? BigDecimal.valueOf(sum, rates.scale) : BigDecimal.ZERO;
      } catch (ArithmeticException beyondLong) {
        // summed in BigDecimal below
      }
    }
    BigDecimal total = BigDecimal.ZERO;
    for (BigDecimal part : parts(rates, usage)) {
      total = part == null ? total : total.add(part);
    }
    return total;
  }

  /** The cost at the period's prices outside every time-of-day price (for comparisons, not for a request). */
  public static Cost compute(PricePlan plan, Usage usage) {
    return compute(plan, usage, null);
  }

  private static List<String> unpriced(PricePlan plan, EffectiveRates rates, Usage usage) {
    List<String> out = List.of();
    if (!usage.serviceTier().isEmpty() && !plan.hasMode(usage.serviceTier())) {
      out = add(out, "service_tier=" + usage.serviceTier());
    }
    if (!usage.inferenceGeo().isEmpty() && !plan.hasMode(PriceMode.geoKey(usage.inferenceGeo()))) {
      out = add(out, "inference_geo=" + usage.inferenceGeo());
    }
    out = unpricedCount(out, rates, CostComponent.WEB_SEARCH, "web_search_calls", usage.webSearchCalls());
    out = unpricedCount(out, rates, CostComponent.SEARCH_SOURCES, "search_sources", usage.searchSources());
    out = unpricedCount(out, rates, CostComponent.SERVER_TOOL_CALLS, "server_tool_calls", usage.serverToolCalls());
    return unpricedCount(out, rates, CostComponent.IMAGES, "images", usage.images());
  }

  private static List<String> unpricedCount(List<String> out, EffectiveRates rates, CostComponent c, String field,
      long count) {
    return count > 0 && rates.rate(c).signum() == 0 ? add(out, field + "=" + count) : out;
  }

  private static List<String> add(List<String> list, String item) {
    List<String> out = new ArrayList<>(list);
    out.add(item);
    return out;
  }
}
