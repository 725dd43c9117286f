package dev.costpipe.topology.steps;

import dev.costpipe.engine.merge.PartialRequest;

/** A request still being merged, with when it last saw an event by stream time and by wall clock. */
public record OpenRequest(PartialRequest partial, long lastSeenStreamMs, long lastSeenWallMs) {}
