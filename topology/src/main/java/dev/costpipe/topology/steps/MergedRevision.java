package dev.costpipe.topology.steps;

import dev.costpipe.engine.merge.MergedRequest;

/**
 * A merged request as the merge step emits it: 0 the first time, 1, 2, … when later events corrected it.
 * {@code revisable}: a later revision may still replace this one (it is incomplete, or priced from the request's
 * usage event, which its raw events win over if they complete within the dedup window).
 */
public record MergedRevision(MergedRequest request, int revision, boolean revisable) {}
