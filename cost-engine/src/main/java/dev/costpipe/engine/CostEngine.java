package dev.costpipe.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.catalogue.Catalogue;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.ProviderInfo;
import dev.costpipe.engine.estimate.TokenEstimator;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.CallerTags;
import dev.costpipe.engine.event.EventType;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.UsageReport;
import dev.costpipe.engine.merge.MergedRequest;
import dev.costpipe.engine.pricing.Cost;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.FineTunedIds;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricePlan;
import dev.costpipe.engine.pricing.PromptModalityBilling;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.provider.ModelIdentifier;
import dev.costpipe.engine.provider.ModelRef;
import dev.costpipe.engine.provider.ProviderDetector;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.BedrockChunkBytes;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.ServiceTiers;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageProcessor;
import dev.costpipe.engine.usage.UsageProcessors;
import dev.costpipe.engine.usage.UsageSource;
import dev.costpipe.engine.usage.VertexEndpoints;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns one merged LLM call into its cost record: identify, extract usage, price. */
public final class CostEngine {
  public static final String INCOMPLETE = "incomplete";
  public static final String FINE_TUNED_AT_BASE = "fine-tuned model priced at base rates";
  private static final String BATCH = "batch";

  private final PricingRegistry registry;
  private final ProviderDetector detector;
  private final ModelIdentifier identifier;

  public CostEngine(PricingRegistry registry, List<ProviderInfo> providers) {
    this.registry = registry;
    Set<String> ids = new HashSet<>();
    providers.forEach(p -> ids.add(p.id()));
    this.detector = new ProviderDetector(providers);
    this.identifier = new ModelIdentifier(detector, ids);
  }

  /** An engine pricing with the built-in catalogue. */
  public static CostEngine builtIn() {
    Catalogue c = CatalogueLoader.builtIn();
    return new CostEngine(PricingRegistry.of(c.entries()), c.providers());
  }

  /** The same engine pricing with other prices; provider detection stays the built-in table's. */
  public static CostEngine withPrices(PricingRegistry registry) {
    return new CostEngine(registry, CatalogueLoader.builtIn().providers());
  }

  public PricingRegistry registry() {
    return registry;
  }

  /**
   * Checks on arrival that an event's body or chunk is what its provider returns: usage of the right
   * types with counts in range and, when the event itself tells the provider (field or URL), parts
   * not exceeding totals. Otherwise that last check waits for the merged request (an error on the
   * record), because providers differ in what their totals include.
   */
  public void validate(RawEvent e) {
    String provider = e.provider() != null ? e.provider() : detector.detect(e.targetUrl()).orElse(null);
    Extraction x;
    if (e.type() == EventType.RESPONSE && e.responseBody() != null) {
      x = processor(provider, e.targetUrl(), e.requestBody(), e.responseBody(), List.of()).fromBody(e.responseBody());
    } else if (e.type() == EventType.CHUNK) {
      List<JsonNode> payloads = payloads(List.of(e));
      x = processor(provider, e.targetUrl(), null, null, payloads).fromStream(payloads);
    } else {
      return;
    }
    if (provider != null) {
      checkInvariants(x);
    }
  }

  public CostRecord price(MergedRequest m, Instant fallbackTimestamp) {
    if (m.usageEvent() != null) {
      return priceUsageEvent(m, fallbackTimestamp);
    }
    List<String> errors = new ArrayList<>();
    if (!m.complete()) {
      errors.add(INCOMPLETE);
    }
    List<JsonNode> payloads = payloads(m.chunks());
    JsonNode responseBody = m.responseBody();
    ModelRef called = identifier.identify(m.provider(), m.model(), m.targetUrl(), m.requestBody());
    UsageProcessor processor = processor(called.provider(), m.targetUrl(), m.requestBody(), responseBody, payloads);
    Extraction x = extract(processor, payloads, responseBody, errors);
    ModelRef ref = called.model() != null ? called : new ModelRef(called.provider(), x.model(), called.deployment());

    Usage usage;
    UsageSource source;
    if (x.usage() != null) {
      usage = x.usage();
      source = UsageSource.PROVIDER;
      if (ServiceTiers.isBatchUrl(m.targetUrl())) {
        usage = usage.toBuilder().serviceTier(BATCH).build();
      }
      String vertexGeo = VertexEndpoints.claudeInferenceGeo(called.provider(), m.targetUrl());
      if (usage.inferenceGeo().isEmpty() && !vertexGeo.isEmpty()) {
        usage = usage.toBuilder().inferenceGeo(vertexGeo).build();
      }
    } else if (!failed(m) && TokenEstimator.canEstimate(m.requestBody(), x.outputText())) {
      usage = TokenEstimator.estimate(ref.model(), m.requestBody(), x.outputText());
      source = UsageSource.ESTIMATED;
    } else {
      usage = Usage.ZERO;
      source = UsageSource.NONE;
    }
    return record(m, fallbackTimestamp, ref, usage, source, x.providerCostUsd(), x.unpricedCounts(), null, errors);
  }

  /**
   * A call given by its usage event: priced exactly as a body reporting the same usage would be (the same
   * modifiers, flags and cache-hit rule). Its source's own cost is kept beside costpipe's and never used as the
   * price: it comes from the source's price list, not the provider's bill. A failed call reporting no usage is
   * recorded without a cost, as a failed call without a usage body is.
   */
  private CostRecord priceUsageEvent(MergedRequest m, Instant fallbackTimestamp) {
    UsageReport report = m.usageEvent().usageReport();
    ModelRef ref = identifier.identify(m.provider(), m.model(), m.targetUrl(), null);
    Usage usage = report.usage();
    UsageSource source = UsageSource.PROVIDER;
    if (failed(m) && usage.toBuilder().serviceTier("").inferenceGeo("").build().equals(Usage.ZERO)) {
      usage = Usage.ZERO;
      source = UsageSource.NONE;
    } else if (ServiceTiers.isBatchUrl(m.targetUrl())) {
      usage = usage.toBuilder().serviceTier(BATCH).build();
    }
    Long reported = report.reportedCostUsd() == null ? null : Cost.toNano(report.reportedCostUsd());
    return record(m, fallbackTimestamp, ref, usage, source, null, Map.of(), reported, new ArrayList<>());
  }

  /** Prices {@code usage} of the model {@code ref} (or takes the provider's own cost) into the request's record. */
  private CostRecord record(MergedRequest m, Instant fallbackTimestamp, ModelRef ref, Usage usage,
      UsageSource source, BigDecimal providerCostUsd, Map<String, Long> unpricedCounts,
      Long reportedCostNano, List<String> errors) {
    Instant timestamp = m.timestamp() != null ? m.timestamp() : fallbackTimestamp;
    Optional<PriceMatch> match = registry.resolve(ref.provider(), ref.model(), ref.deployment());
    PricingStatus status;
    Long costNano = null;
    Map<String, Long> breakdown = Map.of();
    long savings = 0;
    if (providerCostUsd != null) {
      status = PricingStatus.PROVIDER_REPORTED;
      costNano = Cost.toNano(providerCostUsd);
      breakdown = Map.of("provider_reported", costNano);
    } else if (source == UsageSource.NONE) {
      status = PricingStatus.NO_USAGE;
      errors.add(failed(m) ? "no usage: request failed with status " + m.status() : "no usage reported or estimable");
    } else if (match.isEmpty()) {
      status = PricingStatus.UNKNOWN_MODEL;
      errors.add("unknown model: " + (ref.provider() == null ? "?" : ref.provider()) + "/"
          + (ref.model() == null ? "?" : ref.model()));
    } else {
      status = PricingStatus.PRICED;
      Instant at = timestamp != null ? timestamp : Instant.now();
      PricePlan plan = match.get().planAt(at);
      Cost cost = CostCalculator.compute(plan, usage, at);
      costNano = cost.nanoUsd();
      breakdown = cost.breakdownNanoUsd();
      if (usage.cacheReadTokens() > 0) {
        savings = Cost.toNano(CostCalculator.compute(plan, usage.withoutCacheReads(), at).totalUsd()
            .subtract(cost.totalUsd()));
      }
      cost.unpriced().forEach(u -> errors.add(CostRecord.UNPRICED_USAGE + u));
      PromptModalityBilling.unpriced(ref.provider(), plan.period(), usage)
          .forEach(u -> errors.add(CostRecord.UNPRICED_USAGE + u));
      unpricedCounts.forEach((field, n) -> errors.add(CostRecord.UNPRICED_USAGE + field + "=" + n));
      if (FineTunedIds.isFineTuned(ref.model()) && !FineTunedIds.listsFineTuned(match.get().endpoint())) {
        errors.add(FINE_TUNED_AT_BASE);
      }
    }
    if (m.cacheHit() && costNano != null) {
      savings = costNano;
      costNano = 0L;
      breakdown = Map.of();
    }
    CallerTags tags = CallerTags.from(m.headers());
    return new CostRecord(m.requestId(), timestamp, ref.provider(), ref.model(),
        match.map(PriceMatch::modelKey).orElse(null), tags.userId(), tags.sessionId(), tags.sessionName(),
        tags.sessionPath(), tags.properties(), m.status(), m.streamed(), m.cacheHit(), usage, source, status,
        costNano, breakdown, savings, errors, 0, reportedCostNano);
  }

  private static boolean failed(MergedRequest m) {
    return m.status() != null && m.status() >= 400;
  }

  /** The record of a request that could not be priced at all: unpriced, with the reason in errors. */
  public static CostRecord unpriceable(MergedRequest m, Instant fallbackTimestamp, String error) {
    CallerTags tags = CallerTags.from(m.headers());
    return new CostRecord(m.requestId(), m.timestamp() != null ? m.timestamp() : fallbackTimestamp, m.provider(),
        m.model(), null, tags.userId(), tags.sessionId(), tags.sessionName(), tags.sessionPath(), tags.properties(),
        m.status(), m.streamed(), m.cacheHit(), Usage.ZERO, UsageSource.NONE, PricingStatus.NO_USAGE, null, Map.of(),
        0, List.of(error));
  }

  private static Extraction extract(UsageProcessor processor, List<JsonNode> payloads, JsonNode responseBody,
      List<String> errors) {
    try {
      Extraction x = payloads.isEmpty() ? Extraction.none(null, "") : processor.fromStream(payloads);
      if (x.usage() == null && responseBody != null) {
        Extraction body = processor.fromBody(responseBody);
        x = body.usage() != null || payloads.isEmpty() ? body : x;
      }
      checkInvariants(x);
      return x;
    } catch (BadEventException e) {
      errors.add("invalid usage: " + e.getMessage());
      return Extraction.none(null, "");
    }
  }

  private static UsageProcessor processor(String provider, String url, JsonNode requestBody, JsonNode responseBody,
      List<JsonNode> payloads) {
    return UsageProcessors.select(provider, url, requestBody, responseBody, payloads);
  }

  private static List<JsonNode> payloads(List<RawEvent> chunks) {
    List<JsonNode> out = new ArrayList<>();
    for (RawEvent c : chunks) {
      c.chunk().forEach(p -> out.add(BedrockChunkBytes.decode(p)));
    }
    return out;
  }

  private static void checkInvariants(Extraction x) {
    if (x.usage() != null) {
      String violation = x.usage().invariantViolation();
      if (!violation.isEmpty()) {
        throw new BadEventException("invalid_usage", violation);
      }
    }
  }
}
