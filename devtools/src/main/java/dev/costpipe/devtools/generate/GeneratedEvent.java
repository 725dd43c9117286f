package dev.costpipe.devtools.generate;

/**
 * One raw event as a producer sends it.
 *
 * @param requestId the Kafka key (the request's id, also for a malformed event of that request)
 * @param value the JSON envelope bytes (see docs/contracts.md, "Input: the raw event envelope")
 * @param malformed whether costpipe must refuse it (dead-letter it with a reason)
 */
public record GeneratedEvent(String requestId, byte[] value, boolean malformed) {}
