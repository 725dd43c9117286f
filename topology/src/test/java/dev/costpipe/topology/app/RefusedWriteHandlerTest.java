package dev.costpipe.topology.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.PipelineCounters;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class RefusedWriteHandlerTest {
  private static final ProducerRecord<byte[], byte[]> RECORD = new ProducerRecord<>("t", 0, 1L, new byte[1], new byte[1]);

  @Test
  void aRecordRefusedForItselfIsCountedAndPassedOverAnyOtherErrorFails() {
    PipelineCounters counters = new PipelineCounters();
    RefusedWriteHandler handler = new RefusedWriteHandler();
    handler.configure(Map.of(RefusedWriteHandler.COUNTERS, counters));

    assertThat(handler.handleError(new Context(), RECORD, new RecordTooLargeException("big")).result())
        .isEqualTo(Result.RESUME);
    assertThat(handler.handleError(new Context(), RECORD, new InvalidTimestampException("ahead")).result())
        .isEqualTo(Result.RESUME);
    assertThat(handler.handleError(new Context(), RECORD, new InvalidRecordException("out of range")).result())
        .isEqualTo(Result.RESUME);
    assertThat(handler.handleError(new Context(), RECORD, new KafkaException("in an error state")).result())
        .isEqualTo(Result.FAIL);

    assertThat(counters.snapshot()).containsOnly(Map.entry("produce.refused.record_too_large", 1L),
        Map.entry("produce.refused.invalid_timestamp", 1L), Map.entry("produce.refused.invalid_record", 1L));
  }

  @Test
  void onlyAWriteRefusedForItselfIsRememberedAndNeverAChangelogs() {
    RefusedWrites refused = new RefusedWrites();
    RefusedWriteHandler handler = new RefusedWriteHandler();
    handler.configure(Map.of(RefusedWrites.SETTING, refused));
    long now = System.currentTimeMillis();
    var old = new ProducerRecord<>("app-cost-by-dimension-repartition", 0, now - 7_200_000, new byte[1], new byte[1]);
    var collateral = new ProducerRecord<>("app-costs", 0, now - 7_200_000, new byte[2], new byte[2]);
    var changelog = new ProducerRecord<>("app-open-requests-changelog", 0, now - 7_200_000, new byte[3], new byte[3]);
    handler.handleError(new Context(), old, new InvalidRecordException("Timestamp 1 of message with offset 0 is out "
        + "of range. The timestamp should be within [2, 3]"));
    // a transaction's later writes fail with its first error, naming no record
    handler.handleError(new Context(), collateral, new InvalidTimestampException("One or more records have been "
        + "rejected due to invalid timestamp"));
    handler.handleError(new Context(), changelog, new RecordTooLargeException("big"));

    assertThat(refused.refusedBefore(old, now)).isEqualTo("invalid_record");
    assertThat(refused.refusedBefore(collateral, now)).isNull();
    assertThat(refused.refusedBefore(changelog, now)).isNull();
  }

  private static final class Context implements ErrorHandlerContext {
    @Override
    public String topic() {
      return "raw";
    }

    @Override
    public int partition() {
      return 0;
    }

    @Override
    public long offset() {
      return 7;
    }

    @Override
    public Headers headers() {
      return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
      return "parse";
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, 0);
    }

    @Override
    public long timestamp() {
      return 0;
    }

    @Override
    public byte[] sourceRawKey() {
      return null;
    }

    @Override
    public byte[] sourceRawValue() {
      return null;
    }
  }
}
