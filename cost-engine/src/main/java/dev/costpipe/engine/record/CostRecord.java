package dev.costpipe.engine.record;

import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageSource;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The priced request: the public output contract (JSON on the cost topic, a row in ClickHouse).
 * {@code costNanoUsd} is null when the request could not be priced. {@code revision} is 0 for a request's first
 * record; a request first emitted incomplete and corrected by a late event comes out again with 1, 2, …: the
 * highest revision is the request's cost.
 */
public record CostRecord(
    String requestId,
    Instant timestamp,
    String provider,
    String model,
    String modelKey,
    String userId,
    String sessionId,
    String sessionName,
    String sessionPath,
    Map<String, String> properties,
    Integer status,
    boolean streamed,
    boolean cacheHit,
    Usage usage,
    UsageSource usageSource,
    PricingStatus pricingStatus,
    Long costNanoUsd,
    Map<String, Long> costBreakdown,
    long cacheSavingsNanoUsd,
    List<String> errors,
    int revision,
    Long reportedCostNanoUsd) {

  /** Prefix of an error naming billed usage the price leaves out: {@code unpriced usage: <field>=<n>}. */
  public static final String UNPRICED_USAGE = "unpriced usage: ";

  /** Whether the response carried billed usage that this record's cost leaves out (see {@code errors}). */
  public boolean hasUnpricedUsage() {
    return errors.stream().anyMatch(e -> e.startsWith(UNPRICED_USAGE));
  }

  /** The {@code cost_usd} field: the cost as a decimal string with 9 places, null when not priced. */
  public String costUsd() {
    return costNanoUsd == null ? null : java.math.BigDecimal.valueOf(costNanoUsd, 9).toPlainString();
  }

  /** A source's reported cost disagrees when it differs from costpipe's by more than this (and the fraction). */
  public static final long REPORTED_COST_TOLERANCE_NANO_USD = 1_000;
  /** … and by more than this fraction of costpipe's cost: 1%. */
  public static final java.math.BigDecimal REPORTED_COST_TOLERANCE_FRACTION = new java.math.BigDecimal("0.01");

  /**
   * Whether the source's reported cost and costpipe's differ by more than both 1 micro-USD and 1% of costpipe's
   * cost: false when either is missing.
   */
  public boolean reportedCostDisagrees() {
    if (reportedCostNanoUsd == null || costNanoUsd == null) {
      return false;
    }
    long diff = Math.abs(reportedCostNanoUsd - costNanoUsd);
    return diff > REPORTED_COST_TOLERANCE_NANO_USD && java.math.BigDecimal.valueOf(diff)
        .compareTo(REPORTED_COST_TOLERANCE_FRACTION.multiply(java.math.BigDecimal.valueOf(costNanoUsd))) > 0;
  }

  /** A first record (revision 0) with no reported cost. */
  public CostRecord(String requestId, Instant timestamp, String provider, String model, String modelKey,
      String userId, String sessionId, String sessionName, String sessionPath, Map<String, String> properties,
      Integer status, boolean streamed, boolean cacheHit, Usage usage, UsageSource usageSource,
      PricingStatus pricingStatus, Long costNanoUsd, Map<String, Long> costBreakdown, long cacheSavingsNanoUsd,
      List<String> errors) {
    this(requestId, timestamp, provider, model, modelKey, userId, sessionId, sessionName, sessionPath, properties,
        status, streamed, cacheHit, usage, usageSource, pricingStatus, costNanoUsd, costBreakdown,
        cacheSavingsNanoUsd, errors, 0, null);
  }

  /** This record as revision {@code revision} of its request, at the time its first revision had. */
  public CostRecord revised(int revision, Instant firstTimestamp) {
    return new CostRecord(requestId, firstTimestamp, provider, model, modelKey, userId, sessionId, sessionName,
        sessionPath, properties, status, streamed, cacheHit, usage, usageSource, pricingStatus, costNanoUsd,
        costBreakdown, cacheSavingsNanoUsd, errors, revision, reportedCostNanoUsd);
  }

  public CostRecord {
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    costBreakdown = Collections.unmodifiableMap(new LinkedHashMap<>(costBreakdown));
    errors = List.copyOf(errors);
  }
}
