package dev.costpipe.topology.serde;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.event.RawEventJson;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.steps.OpenRequest;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class OpenRequestFormatTest {
  private static final List<byte[]> EVENTS = Events.anthropicStream("a-é", "2026-06-01T00:00:05Z", 1000, 50)
      .stream().limit(3).map(s -> s.getBytes(UTF_8)).toList();

  private static byte[] write(OpenRequest o) {
    return CostpipeSerdes.openRequest().serializer().serialize("t", o);
  }

  private static OpenRequest read(byte[] bytes) {
    return CostpipeSerdes.openRequest().deserializer().deserialize("t", bytes);
  }

  @Test
  void keepsEveryEventsBytesAndBothTimes() {
    OpenRequest o = new OpenRequest("a-é", 1_780_000_000_000L, 1_780_000_000_123L, EVENTS);
    byte[] bytes = write(o);
    assertThat(bytes).hasSize(1 + OpenRequestFormat.size(o));
    OpenRequest back = read(bytes);
    assertThat(back.requestId()).isEqualTo("a-é");
    assertThat(back.lastSeenStreamMs()).isEqualTo(1_780_000_000_000L);
    assertThat(back.lastSeenWallMs()).isEqualTo(1_780_000_000_123L);
    assertThat(back.events()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(back.events().get(i)).isEqualTo(EVENTS.get(i));
    }
    assertThat(back.toPartial().toMerged().chunks()).hasSize(2);
  }

  @Test
  void keepsTheRevisionsEmittedAndWhetherTheLastCameFromAUsageEvent() throws Exception {
    OpenRequest emitted = new OpenRequest("a", 1, 2, EVENTS).emittedRevisable(1_780_000_000_000L, false);
    OpenRequest back = read(write(emitted.emittedRevisable(5L, true)));
    assertThat(back.emissions()).isEqualTo(2);
    assertThat(back.firstEmittedMs()).as("the first revision's time").isEqualTo(1_780_000_000_000L);
    assertThat(back.pricedFromUsageEvent()).isTrue();
    assertThat(read(write(emitted)).pricedFromUsageEvent()).isFalse();

    // version 2, as written before usage events could be revised: the same fields without the last one
    byte[] v3 = write(emitted.emittedRevisable(5L, true));
    byte[] v2 = Arrays.copyOf(v3, v3.length - 1);
    v2[0] = 2;
    OpenRequest fromV2 = read(v2);
    assertThat(fromV2.emissions()).isEqualTo(2);
    assertThat(fromV2.firstEmittedMs()).isEqualTo(1_780_000_000_000L);
    assertThat(fromV2.pricedFromUsageEvent()).isFalse();
  }

  @Test
  void readsVersionOneAsNotEmitted() throws Exception {
    // version 1, as written before revisions: the same fields without the last three
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(1);
      BinarySerde.writeString(out, "a");
      out.writeLong(1);
      out.writeLong(2);
      out.writeInt(EVENTS.size());
      for (byte[] e : EVENTS) {
        BinarySerde.writeBytes(out, e);
      }
    }
    OpenRequest v1 = read(bytes.toByteArray());
    assertThat(v1.emitted()).isFalse();
    assertThat(v1.lastSeenWallMs()).isEqualTo(2);
    assertThat(v1.events()).hasSize(EVENTS.size());
  }

  @Test
  void readsStateWrittenAsJsonBeforeThisFormat() {
    ObjectNode legacy = Json.MAPPER.createObjectNode();
    legacy.put("request_id", "a-é").put("last_seen_stream_ms", 5L).put("last_seen_wall_ms", 7L);
    EVENTS.forEach(e -> legacy.withArray("events").add(RawEventJson.toTree(RawEventParser.parse(e))));
    OpenRequest back = read(legacy.toString().getBytes(UTF_8));
    assertThat(back.lastSeenStreamMs()).isEqualTo(5L);
    assertThat(back.lastSeenWallMs()).isEqualTo(7L);
    assertThat(back.events()).hasSize(3);
    assertThat(back.toPartial().toMerged()).isEqualTo(
        new OpenRequest("a-é", 0, 0, EVENTS).toPartial().toMerged());
  }

  @Test
  void refusesTruncatedOrForeignBytesWithAReason() {
    byte[] whole = write(new OpenRequest("a", 1, 2, EVENTS));
    assertThatThrownBy(() -> read(Arrays.copyOf(whole, whole.length - 5)))
        .isInstanceOf(SerializationException.class).hasMessageContaining("truncated");
    byte[] negative = whole.clone();
    negative[1] = (byte) 0x80;
    assertThatThrownBy(() -> read(negative)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> read(new byte[] {9, 0, 0}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("unknown version 9");
  }
}
