package dev.costpipe.topology.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.steps.OpenRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * An open request in its state store: a version byte, the request id, the two last-seen times, then each event's
 * original bytes with its length — a copy of the bytes, so storing a request after each of its events stays cheap.
 * Values written before this format (a JSON object whose events are envelope trees) are still read.
 */
public final class OpenRequestFormat {
  private static final byte VERSION = 1;

  private OpenRequestFormat() {}

  public static byte[] write(OpenRequest o) {
    if (o == null) {
      return null;
    }
    byte[] id = o.requestId().getBytes(StandardCharsets.UTF_8);
    int size = 1 + 4 + id.length + 8 + 8 + 4;
    for (byte[] e : o.events()) {
      size += 4 + e.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(VERSION).putInt(id.length).put(id)
        .putLong(o.lastSeenStreamMs()).putLong(o.lastSeenWallMs()).putInt(o.events().size());
    for (byte[] e : o.events()) {
      b.putInt(e.length).put(e);
    }
    return b.array();
  }

  public static OpenRequest read(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length > 0 && bytes[0] == '{') {
      return fromJson(bytes);
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != VERSION) {
        throw new SerializationException("open request state of an unknown version " + bytes[0]);
      }
      String id = new String(take(b, b.getInt()), StandardCharsets.UTF_8);
      long streamMs = b.getLong();
      long wallMs = b.getLong();
      int n = b.getInt();
      List<byte[]> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        events.add(take(b, b.getInt()));
      }
      return new OpenRequest(id, streamMs, wallMs, events);
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new SerializationException("truncated open request state (" + bytes.length + " bytes)", e);
    }
  }

  private static byte[] take(ByteBuffer b, int length) {
    byte[] out = new byte[length];
    b.get(out);
    return out;
  }

  private static OpenRequest fromJson(byte[] bytes) {
    try {
      JsonNode n = Json.MAPPER.readTree(bytes);
      List<byte[]> events = new ArrayList<>();
      for (JsonNode e : n.path("events")) {
        events.add(Json.MAPPER.writeValueAsBytes(e));
      }
      return new OpenRequest(n.path("request_id").asText(), n.path("last_seen_stream_ms").asLong(),
          n.path("last_seen_wall_ms").asLong(), events);
    } catch (JsonProcessingException e) {
      throw new SerializationException("unreadable open request state: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
