package dev.costpipe.ingest;

import dev.costpipe.http.HttpSettings;
import java.time.Duration;

/**
 * How {@code costpipe ingest} serves: where ({@link HttpSettings}' bind address and tokens, and its port), what it
 * accepts (the body limit, after decompression), how long it waits for Kafka's acknowledgement before answering
 * 503, how many requests it serves at once, and how long a shutdown lets requests in flight finish.
 */
public record IngestSettings(HttpSettings http, int port, String topic, int maxBodyBytes, Duration ackTimeout,
    int threads, Duration drainTimeout) {
  /** Seconds a sender is asked to wait after a 503. */
  static final int RETRY_AFTER_SECONDS = 5;
}
