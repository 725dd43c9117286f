package dev.costpipe.contracts.avro.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format of a schema-registry value: magic byte 0, the schema id as a 4-byte big-endian int,
 * then the Avro binary encoding. A JSON value starts with {@code {}, so the first byte tells the two apart.
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_LENGTH = 5;

  private WireFormat() {}

  /** Whether a value is in Confluent's wire format (rather than JSON text). */
  public static boolean isSchemaRegistryValue(byte[] value) {
    return value != null && value.length >= HEADER_LENGTH && value[0] == MAGIC_BYTE;
  }

  /** The schema id of a value in Confluent's wire format. */
  public static int schemaId(byte[] value) {
    if (!isSchemaRegistryValue(value)) {
      String first = value == null || value.length == 0 ? "none" : String.format("0x%02x", value[0] & 0xff);
      throw new IllegalArgumentException("not in Confluent's wire format (magic byte 0 + 4-byte schema id): first byte "
          + first + ", length " + (value == null ? 0 : value.length));
    }
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }
}
