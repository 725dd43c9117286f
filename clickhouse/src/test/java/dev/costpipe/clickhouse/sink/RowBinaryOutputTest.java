package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A body of many chunks reads back as the bytes written, in order, values never split or lost at a boundary, as a
 * stream or one array; reset, it is written again from the start.
 */
class RowBinaryOutputTest {
  @Test
  void chunksReadBackAsOneBody() throws Exception {
    RowBinaryOutput out = new RowBinaryOutput(16);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    String large = "é".repeat(RowBinaryOutput.CHUNK); // one value larger than a chunk
    for (int i = 0; i < 60_000; i++) {
      String s = i == 30_000 ? large : "v" + i;
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      out.writeString(s);
      for (long n = utf8.length; ; n >>>= 7) { // LEB128
        expected.write((int) (n > 0x7F ? (n & 0x7F) | 0x80 : n));
        if (n <= 0x7F) {
          break;
        }
      }
      expected.write(utf8);
      out.writeLittleEndian(i, 4);
      expected.write(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16), (byte) (i >> 24)});
      long wide = -0x0102030405060708L * i;
      out.writeLittleEndian(wide, 8);
      for (int b = 0; b < 8; b++) {
        expected.write((int) (wide >>> (8 * b)));
      }
      out.writeLittleEndian(-i, 2);
      expected.write(new byte[] {(byte) -i, (byte) (-i >> 8)});
      out.writeByte(i);
      expected.write(i);
    }
    assertThat(expected.size()).isGreaterThan(4 * RowBinaryOutput.CHUNK);
    assertThat(out.stream().readAllBytes()).isEqualTo(expected.toByteArray());
    assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());

    out.reset();
    out.writeBytes(new byte[] {1, 2, 3});
    out.writeByte(4);
    assertThat(out.toByteArray()).as("written again from the start").containsExactly(1, 2, 3, 4);
    assertThat(out.stream().readAllBytes()).containsExactly(1, 2, 3, 4);
  }
}
