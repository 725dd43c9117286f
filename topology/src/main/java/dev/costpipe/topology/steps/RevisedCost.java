package dev.costpipe.topology.steps;

import dev.costpipe.engine.record.CostRecord;

/**
 * A cost record as the aggregates and alerts take it: with the revision it replaces ({@code previous}, null for a
 * request's first record), whose contributions they take back before adding the new one's.
 */
public record RevisedCost(CostRecord previous, CostRecord current) {}
