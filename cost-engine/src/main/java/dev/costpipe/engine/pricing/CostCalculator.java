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
    BigDecimal[] parts = new BigDecimal[CostComponent.ALL.length];
    BigDecimal total = BigDecimal.ZERO;
    total = add(parts, total, rates, CostComponent.INPUT, usage.uncachedTextInputTokens());
    total = add(parts, total, rates, CostComponent.CACHE_READ, usage.textCacheReadTokens());
    total = add(parts, total, rates, CostComponent.CACHE_WRITE, usage.cacheWriteTokens());
    total = add(parts, total, rates, CostComponent.CACHE_WRITE_1H, usage.cacheWrite1hTokens());
    total = add(parts, total, rates, CostComponent.AUDIO_INPUT, usage.uncachedAudioInputTokens());
    total = add(parts, total, rates, CostComponent.CACHE_READ_AUDIO, usage.cacheReadAudioTokens());
    total = add(parts, total, rates, CostComponent.IMAGE_INPUT, usage.imageInputTokens());
    total = add(parts, total, rates, CostComponent.VIDEO_INPUT, usage.videoInputTokens());
    total = add(parts, total, rates, CostComponent.OUTPUT, usage.plainOutputTokens());
    total = add(parts, total, rates, CostComponent.REASONING, usage.reasoningTokens());
    total = add(parts, total, rates, CostComponent.AUDIO_OUTPUT, usage.audioOutputTokens());
    total = add(parts, total, rates, CostComponent.IMAGE_OUTPUT, usage.imageOutputTokens());
    total = add(parts, total, rates, CostComponent.WEB_SEARCH, usage.webSearchCalls());
    total = add(parts, total, rates, CostComponent.SEARCH_SOURCES, usage.searchSources());
    total = add(parts, total, rates, CostComponent.SERVER_TOOL_CALLS, usage.serverToolCalls());
    total = add(parts, total, rates, CostComponent.IMAGES, usage.images());
    total = add(parts, total, rates, CostComponent.REQUEST, 1);
    return new Cost(parts, total, unpriced(plan, rates, usage));
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
