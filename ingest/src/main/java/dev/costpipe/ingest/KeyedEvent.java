package dev.costpipe.ingest;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.sources.envelope.JsonBodies;
import dev.costpipe.sources.envelope.MappedBatch;
import java.io.UncheckedIOException;

/** One event as it goes to the raw-events topic: its key (the request id) and its JSON bytes. */
public record KeyedEvent(String key, byte[] value) {
  private static final ObjectWriter WRITER = JsonBodies.mapper().writer();

  public static KeyedEvent of(ObjectNode event) {
    try {
      return new KeyedEvent(MappedBatch.key(event), WRITER.writeValueAsBytes(event));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of JSON nodes always serializes
    }
  }
}
