package dev.costpipe.topology.steps;

import dev.costpipe.engine.record.CostRecord;

/**
 * A cost record as the pricing step emits it, with whether a later revision may replace it ({@link
 * MergedRevision#revisable()}): the revisions step keeps those, to take them back when it comes.
 */
public record PricedRevision(CostRecord cost, boolean revisable) {}
