package dev.costpipe.topology.steps;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The headers a dead letter carries: why, where in the pipeline, and where it came from. */
public final class DeadLetterHeaders {
  public static final String REASON = "error.reason";
  public static final String MESSAGE = "error.message";
  public static final String STEP = "error.step";
  public static final String SOURCE_TOPIC = "source.topic";
  public static final String SOURCE_PARTITION = "source.partition";
  public static final String SOURCE_OFFSET = "source.offset";
  /** Set when the original was larger than a dead letter may be: its size; the value is its first bytes. */
  public static final String ORIGINAL_BYTES = "error.original_bytes";

  private DeadLetterHeaders() {}

  static Headers add(Headers headers, String reason, String message, String step, RecordMetadata source) {
    put(headers, REASON, reason);
    put(headers, MESSAGE, message);
    put(headers, STEP, step);
    if (source != null) {
      put(headers, SOURCE_TOPIC, source.topic());
      put(headers, SOURCE_PARTITION, Integer.toString(source.partition()));
      put(headers, SOURCE_OFFSET, Long.toString(source.offset()));
    }
    return headers;
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
