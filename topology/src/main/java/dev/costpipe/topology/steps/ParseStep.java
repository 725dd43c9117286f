package dev.costpipe.topology.steps;

import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.pricing.PricingHolder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Step 1: parse and validate each raw event. Bad input is never dropped: it leaves as a rejected
 * {@link ParsedEvent} carrying the original bytes, with the reason and source offset in its headers,
 * and is counted per reason ({@code dlq.<reason>}). An event timestamped too far ahead of its ingestion is
 * timestamped at its ingestion and flagged ({@link FutureEventTime}), before anything is written with its time.
 *
 * <p>A good event is keyed by its request id. It may skip the repartition topic only when it already sits on
 * the partition Kafka's default partitioner (murmur2) gives that key, the partition of the task merging its
 * request: producers keying by request id with another partitioner (librdkafka's CRC32, the default of the
 * Python, Go and Node clients) or not keying at all would otherwise split a request across tasks.
 */
public final class ParseStep implements Processor<byte[], byte[], String, ParsedEvent> {
  public static final String NAME = "parse";
  /** Counter of the raw events read, good and bad. */
  public static final String RECEIVED = "events.received";
  /** Counter of the events timestamped too far ahead of their ingestion: priced at ingestion, flagged. */
  public static final String FUTURE_TIME = "events.future_time";
  /** Events larger than this are refused before parsing, so one record cannot exhaust the heap. */
  public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private final PricingHolder pricing;
  private final PipelineCounters counters;
  private final Duration maxFuture;
  private final int rawPartitions;
  private ProcessorContext<String, ParsedEvent> context;

  /**
   * @param maxFuture how far ahead of its ingestion an event may be timestamped
   * @param rawPartitions the raw-events topic's partition count
   */
  public ParseStep(PricingHolder pricing, PipelineCounters counters, Duration maxFuture, int rawPartitions) {
    this.pricing = pricing;
    this.counters = counters;
    this.maxFuture = maxFuture;
    this.rawPartitions = rawPartitions;
  }

  @Override
  public void init(ProcessorContext<String, ParsedEvent> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    counters.increment(RECEIVED);
    byte[] value = record.value();
    String step = "parse";
    try {
      if (value == null) {
        throw new BadEventException("null_value", "record has no value");
      }
      if (value.length > MAX_EVENT_BYTES) {
        throw new BadEventException("too_large", "event of " + value.length + " bytes exceeds " + MAX_EVENT_BYTES);
      }
      RawEvent event = RawEventParser.parse(value);
      step = "validate";
      pricing.engine().validate(event);
      if (FutureEventTime.isAhead(event, record.timestamp(), maxFuture)) {
        counters.increment(FUTURE_TIME);
        value = FutureEventTime.atIngestion(value, record.timestamp());
        event = RawEventParser.parse(value);
      }
      context.forward(record.withKey(event.requestId())
          .withValue(new ParsedEvent(event, value, onRequestIdPartition(record.key(), event.requestId()))));
    } catch (BadEventException e) {
      reject(record, e.reason(), e.getMessage(), step);
    } catch (RuntimeException e) {
      reject(record, "unreadable", e.getClass().getSimpleName() + ": " + e.getMessage(), step);
    }
  }

  /** Whether the record is keyed by the request id and on the partition murmur2 gives that key. */
  private boolean onRequestIdPartition(byte[] key, String requestId) {
    byte[] requestIdBytes = requestId.getBytes(StandardCharsets.UTF_8);
    if (key == null || !Arrays.equals(key, requestIdBytes)) {
      return false;
    }
    int expected = Utils.toPositive(Utils.murmur2(requestIdBytes)) % rawPartitions;
    return context.recordMetadata().map(m -> m.partition() == expected).orElse(false);
  }

  private void reject(Record<byte[], byte[]> record, String reason, String message, String step) {
    counters.increment("dlq." + reason);
    var headers = DeadLetterHeaders.add(record.headers(), reason, String.valueOf(message), step);
    context.recordMetadata().ifPresent(m -> DeadLetterHeaders.addSource(headers, m.topic(), m.partition(), m.offset()));
    byte[] original = DeadLetterHeaders.keepOriginal(headers, record.value());
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    context.forward(new Record<>(key, new ParsedEvent(null, original, false), record.timestamp(), headers));
  }
}
