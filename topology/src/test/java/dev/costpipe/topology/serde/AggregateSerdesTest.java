package dev.costpipe.topology.serde;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.topology.aggregate.CostContribution;
import dev.costpipe.topology.aggregate.CostTotals;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AggregateSerdesTest {
  private static final CostContribution SESSION = new CostContribution("session", "s-1 'quoted' ✓", 16_650_000L,
      1_000, 50, 200, 30, true, 1_234L, false, true, "Support chat", "/triage/answer");
  private static final CostContribution MODEL = new CostContribution("model", "gpt-4o", Long.MAX_VALUE, 0, 0, 0, 0,
      false, 0, true, false, null, null);

  private static <T> T roundTrip(Serde<T> serde, T value) {
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
  }

  @Test
  void contributionsKeepEveryField() {
    assertThat(roundTrip(CostpipeSerdes.costContribution(), SESSION)).isEqualTo(SESSION);
    assertThat(roundTrip(CostpipeSerdes.costContribution(), MODEL)).isEqualTo(MODEL);
  }

  @Test
  void totalsKeepEveryFieldAndTheSessionPaths() {
    CostTotals t = new CostTotals().add(SESSION).add(SESSION)
        .add(new CostContribution("session", "s-1 'quoted' ✓", 5, 1, 1, 0, 0, false, 0, false, false, null, "/other"));
    CostTotals back = roundTrip(CostpipeSerdes.costTotals(), t);
    assertThat(back.toTree()).isEqualTo(t.toTree());
    assertThat(back.toTree().path("session_paths")).hasSize(2);
    assertThat(back.add(SESSION).version()).isEqualTo(4);
  }

  @Test
  void readsTheJsonOfEarlierVersions() {
    String contribution = "{\"d\":\"session\",\"v\":\"s-1 'quoted' ✓\",\"c\":16650000,\"i\":1000,\"o\":50,\"cr\":200,"
        + "\"cw\":30,\"h\":true,\"s\":1234,\"u\":false,\"e\":true,\"sn\":\"Support chat\",\"sp\":\"/triage/answer\"}";
    assertThat(CostpipeSerdes.costContribution().deserializer().deserialize("t", contribution.getBytes(UTF_8)))
        .isEqualTo(SESSION);
    CostTotals t = new CostTotals().add(SESSION).add(SESSION);
    byte[] json = t.toTree().toString().getBytes(UTF_8);
    assertThat(CostpipeSerdes.costTotals().deserializer().deserialize("t", json).toTree()).isEqualTo(t.toTree());
  }

  @Test
  void refusesTruncatedOrUnknownBytesWithAReason() {
    byte[] whole = CostpipeSerdes.costTotals().serializer().serialize("t", new CostTotals().add(SESSION));
    assertThatThrownBy(() -> CostpipeSerdes.costTotals().deserializer().deserialize("t",
        Arrays.copyOf(whole, whole.length - 3))).isInstanceOf(SerializationException.class)
        .hasMessageContaining("truncated cost totals");
    assertThatThrownBy(() -> CostpipeSerdes.costContribution().deserializer().deserialize("t", new byte[] {7}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("cost contribution of an unknown version 7");
  }
}
