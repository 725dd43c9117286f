package dev.costpipe.ingest;

import static dev.costpipe.ingest.SpoolTest.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a body goes to Kafka, when to the spool, and when its sender is told 503. */
class DeliveryTest {
  @TempDir
  Path dir;

  @Test
  void withoutASpoolKafkaNotAcknowledgingIsAnException() throws Exception {
    FakeKafka kafka = new FakeKafka();
    Delivery d = new Delivery(kafka, null);
    assertThat(d.deliver(events(0, 2))).isEqualTo(Delivery.Outcome.ACKNOWLEDGED);
    kafka.up = false;
    assertThatThrownBy(() -> d.deliver(events(2, 3))).isInstanceOf(KafkaUnavailableException.class);
    assertThat(d.kafkaFailing()).isTrue();
    assertThat(kafka.acknowledged()).containsExactly("req-0", "req-1");
  }

  @Test
  void kafkaNotAcknowledgingSpoolsThenLaterBodiesJoinTheSpoolUntilItIsEmpty() throws Exception {
    FakeKafka kafka = new FakeKafka();
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      Delivery d = new Delivery(kafka, spool);
      kafka.up = false;
      assertThat(d.deliver(events(0, 2))).isEqualTo(Delivery.Outcome.SPOOLED);
      assertThat(kafka.calls).isEqualTo(1);
      kafka.up = true;
      // Kafka is back, but the spool holds older events: this body goes behind them, Kafka is not asked
      assertThat(d.deliver(events(2, 3))).isEqualTo(Delivery.Outcome.SPOOLED);
      assertThat(kafka.calls).isEqualTo(1);
      assertThat(SpoolTest.drain(spool)).containsExactly("req-0", "req-1", "req-2");
      assertThat(d.deliver(events(3, 4))).isEqualTo(Delivery.Outcome.ACKNOWLEDGED);
      assertThat(d.kafkaFailing()).isFalse();
      assertThat(kafka.acknowledged()).containsExactly("req-3");
    }
  }

  @Test
  void aFullSpoolIsAnExceptionAndNothingOfTheBodyIsKept() throws Exception {
    FakeKafka kafka = new FakeKafka();
    kafka.up = false;
    try (Spool spool = Spool.open(dir, 8 + SpoolSegment.sizeOf(events(0, 3)))) {
      Delivery d = new Delivery(kafka, spool);
      assertThat(d.deliver(events(0, 3))).isEqualTo(Delivery.Outcome.SPOOLED);
      assertThatThrownBy(() -> d.deliver(events(3, 4))).isInstanceOf(SpoolFullException.class);
      assertThat(SpoolTest.drain(spool)).containsExactly("req-0", "req-1", "req-2");
    }
  }

  @Test
  void aBodyWithNoEventsIsAcknowledgedWithoutTouchingTheSpool() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      FakeKafka kafka = new FakeKafka();
      assertThat(new Delivery(kafka, spool).deliver(java.util.List.of()))
          .isEqualTo(Delivery.Outcome.ACKNOWLEDGED);
      assertThat(spool.hasPending()).isFalse();
    }
  }
}
