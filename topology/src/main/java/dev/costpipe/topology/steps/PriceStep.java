package dev.costpipe.topology.steps;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.merge.MergedRequest;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.pricing.PricingHolder;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Step 3: prices a merged request with the prices {@code llm.pricing} holds now, in force at the
 * request's timestamp. The record's timestamp becomes the request's, so windows count it there. A request with
 * an event timestamped in the future ({@link FutureEventTime}) says so in its errors. A later revision of a
 * request keeps its first revision's timestamp, so it replaces it in the same windows and ClickHouse partition.
 * Whether a later revision may replace this one passes on with the record, for the revisions step.
 */
public final class PriceStep implements FixedKeyProcessor<String, MergedRevision, PricedRevision> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PriceStep.class);

  /** Counts the cost records whose response carried billed usage their price leaves out. */
  public static final String UNPRICED_USAGE = "costs.unpriced_usage";
  /** Counts the cost records whose source reported a cost differing from costpipe's beyond the tolerance. */
  public static final String REPORTED_COST_DISAGREEMENT = "costs.reported_cost_disagreement";

  /** Prefix of the error of a request the engine failed on. */
  public static final String INTERNAL_ERROR = "internal error: ";

  private final PricingHolder pricing;
  private final PipelineCounters counters;
  private FixedKeyProcessorContext<String, PricedRevision> context;

  public PriceStep(PricingHolder pricing, PipelineCounters counters) {
    this.pricing = pricing;
    this.counters = counters;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, PricedRevision> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, MergedRevision> record) {
    MergedRequest request = record.value().request();
    CostRecord cost;
    try {
      cost = pricing.engine().price(request, Instant.ofEpochMilli(record.timestamp()));
    } catch (RuntimeException e) {
      // a request the engine cannot handle must not stop the pipeline, nor vanish
      LOG.error("request {} could not be priced", record.key(), e);
      cost = CostEngine.unpriceable(request, Instant.ofEpochMilli(record.timestamp()),
          INTERNAL_ERROR + e.getClass().getSimpleName());
    }
    cost = FutureEventTime.flagged(cost, request);
    if (record.value().revision() > 0) {
      cost = cost.revised(record.value().revision(), Instant.ofEpochMilli(record.timestamp()));
    }
    counters.increment("costs." + cost.pricingStatus().wire());
    if (cost.hasUnpricedUsage()) {
      counters.increment(UNPRICED_USAGE); // billed usage the cost leaves out: never silent
    }
    if (cost.reportedCostDisagrees()) {
      counters.increment(REPORTED_COST_DISAGREEMENT);
    }
    counters.recordLag(System.currentTimeMillis() - cost.timestamp().toEpochMilli());
    context.forward(record.withValue(new PricedRevision(cost, record.value().revisable()))
        .withTimestamp(cost.timestamp().toEpochMilli()));
  }
}
