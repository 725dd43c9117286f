package dev.costpipe.topology.app;

import dev.costpipe.topology.PipelineCounters;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write the broker (or the producer) refuses for the record itself, too large or timestamped outside the
 * broker's bounds: counted ({@code produce.refused.<reason>}), logged in one line with the input record that
 * caused it, and passed over instead of failing the stream thread. Any other error fails as by default.
 *
 * <p>Under exactly-once the producer cannot commit a transaction one of whose writes failed: Kafka Streams
 * aborts it and processes the task's input again from its last commit, so nothing of the failed transaction is
 * visible and nothing is counted twice. Passing over therefore only spares the thread under at-least-once; under
 * exactly-once the parse step is what keeps such records from being written at all (event times are bounded
 * there, events over 16 MiB dead-lettered).
 */
public final class RefusedWriteHandler implements ProductionExceptionHandler {
  /** The setting through which the application hands its counters to the handler Kafka Streams creates. */
  public static final String COUNTERS = "costpipe.internal.pipeline-counters";
  private static final Logger LOG = LoggerFactory.getLogger(RefusedWriteHandler.class);

  private PipelineCounters counters = new PipelineCounters();

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(COUNTERS) instanceof PipelineCounters c) {
      counters = c;
    }
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
    String reason = reason(e);
    if (reason == null) {
      return Response.fail();
    }
    counters.increment("produce.refused." + reason);
    LOG.error("write to {} refused ({}: {}), passed over; input {}-{}@{}, processor {}", record.topic(), reason,
        e.getMessage(), context.topic(), context.partition(), context.offset(), context.processorNodeId());
    return Response.resume();
  }

  /** The counter's reason for an error of the record itself, null for any other. */
  static String reason(Exception e) {
    if (e instanceof RecordTooLargeException) {
      return "record_too_large";
    }
    if (e instanceof InvalidTimestampException) {
      return "invalid_timestamp";
    }
    return null;
  }
}
