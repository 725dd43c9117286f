package dev.costpipe.topology.steps;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.envelope.Reject;
import dev.costpipe.sources.envelope.UnparseableBodyException;
import dev.costpipe.sources.otlp.OtlpEncoding;
import dev.costpipe.sources.otlp.OtlpMapper;
import dev.costpipe.topology.PipelineCounters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Step 0 of the OTLP input: each record of spans (an {@code ExportTraceServiceRequest}, as the Collector's Kafka
 * exporter writes it) becomes the usage events of its GenAI model-call spans, mapped as {@code costpipe ingest}
 * maps OTLP/HTTP, and joins the raw events before the parse step. The records are keyed by trace, not request: the
 * events go unkeyed, so the parse step routes each to its request id's partition. A record that cannot be decoded
 * goes to the dead-letter topic whole ({@code invalid_otlp}); a model-call span that cannot be mapped goes there as
 * its name and reason ({@code invalid_span}), the record's other spans going on; spans that are not model calls are
 * counted ({@code otlp.spans_ignored}).
 */
public final class OtlpSpansStep implements Processor<byte[], byte[], byte[], OtlpSpansStep.Output> {
  public static final String NAME = "otlp-spans";

  /** An event for the parse step, or a dead letter. */
  public record Output(byte[] bytes, boolean deadLetter) {}

  private final OtlpEncoding encoding;
  private final PipelineCounters counters;
  private ProcessorContext<byte[], Output> context;

  public OtlpSpansStep(OtlpEncoding encoding, PipelineCounters counters) {
    this.encoding = encoding;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<byte[], Output> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    counters.increment("otlp.records");
    MappedBatch batch;
    try {
      if (record.value() == null) {
        throw new UnparseableBodyException("record has no value");
      }
      batch = OtlpMapper.map(record.value(), encoding);
    } catch (UnparseableBodyException | RuntimeException e) {
      counters.increment("dlq.invalid_otlp");
      Headers headers = deadLetterHeaders(record, "invalid_otlp", String.valueOf(e.getMessage()));
      byte[] original = DeadLetterHeaders.keepOriginal(headers, record.value());
      context.forward(new Record<>(record.key(), new Output(original, true), record.timestamp(), headers));
      return;
    }
    for (ObjectNode event : batch.events()) {
      context.forward(new Record<>(null, new Output(event.toString().getBytes(StandardCharsets.UTF_8), false),
          record.timestamp(), new RecordHeaders()));
    }
    for (Reject reject : batch.rejects()) {
      counters.increment("dlq.invalid_span");
      ObjectNode value = JsonNodeFactory.instance.objectNode().put("item", reject.item()).put("reason", reject.reason());
      context.forward(new Record<>(record.key(), new Output(value.toString().getBytes(StandardCharsets.UTF_8), true),
          record.timestamp(), deadLetterHeaders(record, "invalid_span", reject.toString())));
    }
    if (batch.ignored() > 0) {
      counters.add("otlp.spans_ignored", batch.ignored());
    }
    if (!batch.warnings().isEmpty()) {
      counters.add("otlp.spans_flagged", batch.warnings().size());
    }
  }

  private Headers deadLetterHeaders(Record<byte[], byte[]> record, String reason, String message) {
    Headers headers = DeadLetterHeaders.add(new RecordHeaders(record.headers().toArray()), reason, message, NAME);
    context.recordMetadata().ifPresent(m -> DeadLetterHeaders.addSource(headers, m.topic(), m.partition(), m.offset()));
    return headers;
  }
}
