package dev.costpipe.topology.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class RefusedWritesTest {
  private static final long NOW = 1_800_000_000_000L;

  private static ProducerRecord<byte[], byte[]> write(String topic, long timestamp, String value) {
    return new ProducerRecord<>(topic, null, timestamp, "k".getBytes(UTF_8), value.getBytes(UTF_8));
  }

  @Test
  void theSameWriteMadeAgainIsKnownAndAnotherIsNot() {
    RefusedWrites refused = new RefusedWrites();
    refused.remember(write("t", NOW, "big"), "record_too_large", false, NOW);
    assertThat(refused.refusedBefore(write("t", NOW, "big"), NOW)).isEqualTo("record_too_large");
    assertThat(refused.refusedBefore(write("t", NOW, "other"), NOW)).isNull();
    assertThat(refused.refusedBefore(write("u", NOW, "big"), NOW)).isNull();
  }

  @Test
  void aTimestampRefusalTeachesTheTopicsBoundBothWays() {
    RefusedWrites refused = new RefusedWrites();
    refused.remember(write("t", NOW - 7_200_000, "a"), "invalid_record", true, NOW);
    // as old or older: refused too, whatever it holds; younger: not known to be
    assertThat(refused.refusedBefore(write("t", NOW - 7_200_000, "b"), NOW)).isEqualTo("invalid_timestamp");
    assertThat(refused.refusedBefore(write("t", NOW - 9_000_000, "c"), NOW)).isEqualTo("invalid_timestamp");
    assertThat(refused.refusedBefore(write("t", NOW - 3_600_000, "d"), NOW)).isNull();
    assertThat(refused.refusedBefore(write("u", NOW - 9_000_000, "c"), NOW)).isNull();
    refused.remember(write("t", NOW + 10_800_000, "e"), "invalid_timestamp", true, NOW);
    assertThat(refused.refusedBefore(write("t", NOW + 11_000_000, "f"), NOW)).isEqualTo("invalid_timestamp");
    assertThat(refused.refusedBefore(write("t", NOW + 60_000, "g"), NOW)).isNull();
  }
}
