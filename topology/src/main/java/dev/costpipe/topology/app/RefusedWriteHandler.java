package dev.costpipe.topology.app;

import dev.costpipe.topology.PipelineCounters;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write the producer or the broker refuses for the record itself (too large, timestamped outside the broker's
 * {@code log.message.timestamp.*.max.ms}): counted ({@code produce.refused.<reason>}), logged in one line, and
 * passed over (resumed) instead of failing the stream thread. Any other error fails, as by default.
 *
 * <p>What passing over means depends on the guarantee. Under at-least-once the record is dropped and the thread
 * goes on. Under exactly-once (costpipe's default) a transaction one of whose writes failed cannot commit,
 * whatever this answers: Kafka Streams aborts it and processes the task's input again from its last commit, which
 * keeps exactly-once exact (nothing of the failed transaction is visible, nothing counted twice). The refused write
 * is remembered ({@link RefusedWrites}) so that, made again, it goes to the dead-letter topic
 * ({@link RefusedWriteDiverter}): one aborted transaction per refusal, never a loop that stops the partition. The
 * causes known are removed before anything is written (event times bounded by the parse step, events over 16 MiB
 * dead-lettered there); this is for what still gets through, e.g. a topic whose
 * {@code message.timestamp.before.max.ms} refuses old event times. The input named in the line is the one being
 * processed when the broker answered, not necessarily the cause.
 */
public final class RefusedWriteHandler implements ProductionExceptionHandler {
  /** The setting through which the application hands its counters to the handler Kafka Streams creates. */
  public static final String COUNTERS = "costpipe.internal.pipeline-counters";
  private static final Logger LOG = LoggerFactory.getLogger(RefusedWriteHandler.class);

  private PipelineCounters counters = new PipelineCounters();
  private RefusedWrites refused = new RefusedWrites();

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(COUNTERS) instanceof PipelineCounters c) {
      counters = c;
    }
    if (configs.get(RefusedWrites.SETTING) instanceof RefusedWrites r) {
      refused = r;
    }
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
    String reason = reason(e);
    if (reason == null) {
      return Response.fail();
    }
    counters.increment("produce.refused." + reason);
    if (isOwnError(e) && !isChangelog(record.topic())) {
      refused.remember(record, reason, reason.equals("invalid_record"), System.currentTimeMillis());
    }
    LOG.error("write to {} refused ({}: {}), timestamp {}; input {}-{}@{}", record.topic(), reason, e.getMessage(),
        record.timestamp(), context.topic(), context.partition(), context.offset());
    return Response.resume();
  }

  /**
   * Whether the error names this record itself: the producer's size check, or the broker's error for this record
   * of its batch (KIP-467). A transaction's writes after its first refusal fail with that same error, as an
   * {@link InvalidTimestampException} of no record in particular: remembering those would divert good writes.
   */
  static boolean isOwnError(Exception e) {
    return e instanceof RecordTooLargeException
        || (e instanceof InvalidRecordException && e.getMessage() != null && e.getMessage().startsWith("Timestamp "));
  }

  /** A state store's changelog: never diverted, its records are the state a restore rebuilds. */
  static boolean isChangelog(String topic) {
    return topic.endsWith("-changelog");
  }

  /** The counter's reason for an error of the record itself, null for any other. */
  static String reason(Exception e) {
    if (e instanceof RecordTooLargeException) {
      return "record_too_large";
    }
    if (e instanceof InvalidTimestampException) {
      return "invalid_timestamp";
    }
    if (e instanceof InvalidRecordException) {
      // what the broker answered for a timestamp out of bounds on a repartition topic (Kafka 4.3)
      return "invalid_record";
    }
    return null;
  }
}
