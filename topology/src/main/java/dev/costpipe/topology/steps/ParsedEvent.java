package dev.costpipe.topology.steps;

import dev.costpipe.engine.event.RawEvent;

/**
 * The outcome of {@link ParseStep} for one input record: the event with its bytes as sent (or as {@link
 * FutureEventTime} rewrote them: what the merge step stores), or (event null) the original bytes bound for the dead-letter topic, with the reason in the
 * record's headers. {@code onRequestIdPartition}: keyed by its request id and on the partition Kafka's default
 * partitioner gives that key, so it needs no repartitioning.
 */
public record ParsedEvent(RawEvent event, byte[] original, boolean onRequestIdPartition) {

  public boolean rejected() {
    return event == null;
  }
}
