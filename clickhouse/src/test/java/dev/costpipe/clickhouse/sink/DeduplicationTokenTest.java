package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A batch's token names its rows by their source ranges: the same rows, the same token, whatever their order. */
class DeduplicationTokenTest {
  private static SinkRow row(String topic, int partition, long offset) {
    return new SinkRow(new ConsumerRecord<>(topic, partition, offset, 1_700_000_000_000L + offset,
        TimestampType.LOG_APPEND_TIME, 0, 0, null, new byte[0], new RecordHeaders(), Optional.empty()), new byte[0], 0,
        null, null);
  }

  private static List<SinkRow> batch() {
    return List.of(row("llm.costs", 1, 5), row("llm.costs", 1, 6), row("llm.costs", 0, 3), row("llm.costs", 1, 7),
        row("llm.costs", 10, 2), row("llm.costs", 0, 4));
  }

  @Test
  void theSameRowsHaveTheSameTokenAsBefore() {
    // the value of the first release that sent tokens: a batch retried across an upgrade keeps its name
    assertThat(DeduplicationToken.of(SinkTable.REQUEST_COSTS, batch()))
        .isEqualTo("request_costs-31aef7c734145866830dc513608ac872");
    List<SinkRow> shuffled = new ArrayList<>(batch());
    Collections.reverse(shuffled);
    assertThat(DeduplicationToken.of(SinkTable.REQUEST_COSTS, shuffled))
        .isEqualTo(DeduplicationToken.of(SinkTable.REQUEST_COSTS, batch()));
  }

  @Test
  void otherRowsOrAnotherTableHaveAnotherToken() {
    String token = DeduplicationToken.of(SinkTable.REQUEST_COSTS, batch());
    assertThat(DeduplicationToken.of(SinkTable.REQUEST_COSTS, batch().subList(0, 5))).isNotEqualTo(token);
    assertThat(DeduplicationToken.of(SinkTable.COST_ALERTS, batch())).isNotEqualTo(token);
    List<SinkRow> otherTopic = new ArrayList<>(batch());
    otherTopic.set(0, row("llm.costs.v2", 1, 5));
    assertThat(DeduplicationToken.of(SinkTable.REQUEST_COSTS, otherTopic)).isNotEqualTo(token);
  }
}
