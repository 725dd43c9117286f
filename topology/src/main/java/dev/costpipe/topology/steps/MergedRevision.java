package dev.costpipe.topology.steps;

import dev.costpipe.engine.merge.MergedRequest;

/** A merged request as the merge step emits it: 0 the first time, 1, 2, … when late events corrected it. */
public record MergedRevision(MergedRequest request, int revision) {}
