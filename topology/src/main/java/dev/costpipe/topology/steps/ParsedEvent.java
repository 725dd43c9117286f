package dev.costpipe.topology.steps;

import dev.costpipe.engine.event.RawEvent;

/**
 * The outcome of {@link ParseStep} for one input record: the event with its original bytes (what the merge
 * step stores), or (event null) the original bytes bound for the dead-letter topic, with the reason in the
 * record's headers.
 */
public record ParsedEvent(RawEvent event, byte[] original, boolean keyIsRequestId) {

  public boolean rejected() {
    return event == null;
  }
}
