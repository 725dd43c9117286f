package dev.costpipe.topology.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.steps.OpenRequest;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An open request in its state store: the request id, the two last-seen times, then each event's original bytes,
 * so storing a request after each of its events is a copy, not a re-serialization of everything seen. Values of
 * earlier versions (a JSON object whose events are envelope trees) are still read.
 */
final class OpenRequestFormat {
  private OpenRequestFormat() {}

  static void write(OpenRequest o, DataOutput out) throws IOException {
    BinarySerde.writeString(out, o.requestId());
    out.writeLong(o.lastSeenStreamMs());
    out.writeLong(o.lastSeenWallMs());
    out.writeInt(o.events().size());
    for (byte[] e : o.events()) {
      BinarySerde.writeBytes(out, e);
    }
  }

  static int size(OpenRequest o) {
    return BinarySerde.sizeOf(o.requestId()) + 8 + 8 + 4 + 4 * o.events().size() + Math.toIntExact(o.bytes());
  }

  static OpenRequest read(DataInput in) throws IOException {
    String id = BinarySerde.readString(in);
    long streamMs = in.readLong();
    long wallMs = in.readLong();
    int n = in.readInt();
    List<byte[]> events = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      events.add(BinarySerde.readBytes(in));
    }
    return new OpenRequest(id, streamMs, wallMs, events);
  }

  static OpenRequest fromJson(JsonNode n) {
    List<byte[]> events = new ArrayList<>();
    for (JsonNode e : n.path("events")) {
      try {
        events.add(Json.MAPPER.writeValueAsBytes(e));
      } catch (JsonProcessingException x) {
        throw new UncheckedIOException(x);
      }
    }
    return new OpenRequest(n.path("request_id").asText(), n.path("last_seen_stream_ms").asLong(),
        n.path("last_seen_wall_ms").asLong(), events);
  }
}
