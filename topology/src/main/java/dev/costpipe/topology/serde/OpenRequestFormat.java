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
 * so storing a request after each of its events is a copy, not a re-serialization of everything seen; then (from
 * version 2) how many revisions came out and the first one's time, then (from version 3) whether the last one was
 * priced from the request's usage event. Values of earlier versions (version 2 without the last field, read as
 * not priced from a usage event; version 1 without the last three; a JSON object whose events are envelope trees)
 * are still read, versions 1 and JSON as requests not emitted.
 */
final class OpenRequestFormat {
  /** Version 2 added the revisions emitted and the first one's time; version 3 whether it came from a usage event. */
  static final int VERSION = 3;

  private OpenRequestFormat() {}

  static void write(OpenRequest o, DataOutput out) throws IOException {
    BinarySerde.writeString(out, o.requestId());
    out.writeLong(o.lastSeenStreamMs());
    out.writeLong(o.lastSeenWallMs());
    out.writeInt(o.events().size());
    for (byte[] e : o.events()) {
      BinarySerde.writeBytes(out, e);
    }
    out.writeInt(o.emissions());
    out.writeLong(o.firstEmittedMs());
    out.writeBoolean(o.pricedFromUsageEvent());
  }

  static int size(OpenRequest o) {
    return BinarySerde.sizeOf(o.requestId()) + 8 + 8 + 4 + 4 * o.events().size() + Math.toIntExact(o.bytes())
        + 4 + 8 + 1;
  }

  static OpenRequest read(int version, DataInput in) throws IOException {
    String id = BinarySerde.readString(in);
    long streamMs = in.readLong();
    long wallMs = in.readLong();
    int n = in.readInt();
    List<byte[]> events = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      events.add(BinarySerde.readBytes(in));
    }
    if (version < 2) {
      return new OpenRequest(id, streamMs, wallMs, events);
    }
    int emissions = in.readInt();
    long firstEmittedMs = in.readLong();
    return new OpenRequest(id, streamMs, wallMs, events, emissions, firstEmittedMs, version >= 3 && in.readBoolean());
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
