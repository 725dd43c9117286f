package dev.costpipe.topology.app;

import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.topology.PipelineCounters;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a write the broker refused once to the dead-letter topic when it is made again, stamped now (so the
 * dead-letter topic accepts it), with the reason and the topic it was meant for. Under exactly-once a refused
 * write aborts its transaction and the task's input is processed again from the last commit: without this the
 * same write would be refused again, forever, and its partition would stop. With it, a refused write costs one
 * aborted transaction, and is counted ({@code produce.refused.<reason>}, then {@code produce.diverted}) and kept.
 */
public final class RefusedWriteDiverter implements ProducerInterceptor<byte[], byte[]> {
  /** The setting naming the dead-letter topic the diverted writes go to. */
  public static final String DEAD_LETTER_TOPIC = "costpipe.internal.refused-writes.dead-letter-topic";
  private static final Logger LOG = LoggerFactory.getLogger(RefusedWriteDiverter.class);

  private RefusedWrites refused = new RefusedWrites();
  private PipelineCounters counters = new PipelineCounters();
  private String deadLetterTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(RefusedWrites.SETTING) instanceof RefusedWrites r) {
      refused = r;
    }
    if (configs.get(RefusedWriteHandler.COUNTERS) instanceof PipelineCounters c) {
      counters = c;
    }
    Object topic = configs.get(DEAD_LETTER_TOPIC);
    deadLetterTopic = topic == null ? null : topic.toString();
  }

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    String reason = deadLetterTopic == null ? null : refused.refusedBefore(record, System.currentTimeMillis());
    if (reason == null) {
      return record;
    }
    counters.increment("produce.diverted");
    String message = "the broker refused the write to " + record.topic() + " (" + reason + "), timestamp "
        + record.timestamp();
    LOG.warn("{}: sent to {} instead", message, deadLetterTopic);
    var headers = DeadLetterHeaders.add(new RecordHeaders(record.headers().toArray()), "write_refused", message,
        "produce");
    return new ProducerRecord<>(deadLetterTopic, null, null, record.key(), record.value(), headers);
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

  @Override
  public void close() {}
}
