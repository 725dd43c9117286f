package dev.costpipe.topology.steps;

import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.pricing.PricingHolder;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Step 1: parse and validate each raw event. Bad input is never dropped: it leaves as a rejected
 * {@link ParsedEvent} carrying the original bytes, with the reason and source offset in its headers,
 * and is counted per reason ({@code dlq.<reason>}).
 */
public final class ParseStep implements Processor<byte[], byte[], String, ParsedEvent> {
  public static final String NAME = "parse";
  /** Counter of the raw events read, good and bad. */
  public static final String RECEIVED = "events.received";
  /** Events larger than this are refused before parsing, so one record cannot exhaust the heap. */
  public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
  /** Dead letters keep at most this many bytes of the original, to fit Kafka's default 1 MB message limit. */
  public static final int MAX_DEAD_LETTER_BYTES = 900 * 1024;

  private final PricingHolder pricing;
  private final PipelineCounters counters;
  private ProcessorContext<String, ParsedEvent> context;

  public ParseStep(PricingHolder pricing, PipelineCounters counters) {
    this.pricing = pricing;
    this.counters = counters;
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
      byte[] requestIdBytes = event.requestId().getBytes(StandardCharsets.UTF_8);
      boolean keyed = record.key() != null && Arrays.equals(record.key(), requestIdBytes);
      context.forward(record.withKey(event.requestId()).withValue(new ParsedEvent(event, value, keyed)));
    } catch (BadEventException e) {
      reject(record, e.reason(), e.getMessage(), step);
    } catch (RuntimeException e) {
      reject(record, "unreadable", e.getClass().getSimpleName() + ": " + e.getMessage(), step);
    }
  }

  private void reject(Record<byte[], byte[]> record, String reason, String message, String step) {
    counters.increment("dlq." + reason);
    var headers = DeadLetterHeaders.add(record.headers(), reason, String.valueOf(message), step);
    context.recordMetadata().ifPresent(m -> DeadLetterHeaders.addSource(headers, m.topic(), m.partition(), m.offset()));
    byte[] original = record.value();
    if (original != null && original.length > MAX_DEAD_LETTER_BYTES) {
      headers.add(DeadLetterHeaders.ORIGINAL_BYTES, Integer.toString(original.length).getBytes(StandardCharsets.UTF_8));
      original = Arrays.copyOf(original, MAX_DEAD_LETTER_BYTES);
    }
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    context.forward(new Record<>(key, new ParsedEvent(null, original, false), record.timestamp(), headers));
  }
}
