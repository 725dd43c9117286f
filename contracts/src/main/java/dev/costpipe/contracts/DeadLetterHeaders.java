package dev.costpipe.contracts;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Headers;

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

  /** Dead letters keep at most this many bytes of the original, to fit Kafka's default 1 MB message limit. */
  public static final int MAX_ORIGINAL_BYTES = 900 * 1024;

  private DeadLetterHeaders() {}

  /**
   * The original as a dead letter keeps it: whole, or its first {@link #MAX_ORIGINAL_BYTES} with its size in
   * {@link #ORIGINAL_BYTES}.
   */
  public static byte[] keepOriginal(Headers headers, byte[] original) {
    if (original == null || original.length <= MAX_ORIGINAL_BYTES) {
      return original;
    }
    put(headers, ORIGINAL_BYTES, Integer.toString(original.length));
    return Arrays.copyOf(original, MAX_ORIGINAL_BYTES);
  }

  /** Adds why the record was refused and by which step; the source headers are added by {@link #addSource}. */
  public static Headers add(Headers headers, String reason, String message, String step) {
    put(headers, REASON, reason);
    put(headers, MESSAGE, message);
    put(headers, STEP, step);
    return headers;
  }

  /** Adds where the refused record was read: topic, partition and offset. */
  public static Headers addSource(Headers headers, String topic, int partition, long offset) {
    put(headers, SOURCE_TOPIC, topic);
    put(headers, SOURCE_PARTITION, Integer.toString(partition));
    put(headers, SOURCE_OFFSET, Long.toString(offset));
    return headers;
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
