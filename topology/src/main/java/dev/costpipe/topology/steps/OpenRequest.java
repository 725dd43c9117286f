package dev.costpipe.topology.steps;

import dev.costpipe.engine.merge.MergeProgress;

/**
 * A request still being merged: its progress (its events are stored apart, one record each), and when
 * it last saw an event by stream time and by wall clock.
 */
public record OpenRequest(MergeProgress progress, long lastSeenStreamMs, long lastSeenWallMs) {}
