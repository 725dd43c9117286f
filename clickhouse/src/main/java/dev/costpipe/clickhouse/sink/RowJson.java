package dev.costpipe.clickhouse.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.costpipe.engine.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A row's values ({@link RowValues}) as one JSONEachRow line (UTF-8, ending in {@code \n}): every column, DateTime
 * as epoch seconds, Decimal as an unquoted number with the column's exact scale, absent nullable values as
 * {@code null}. What the benchmark feeds {@code clickhouse-client}, and what the sink sends when a table is not
 * written as RowBinary.
 */
final class RowJson {
  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
  private static final Map<String, SerializedString> NAMES = new ConcurrentHashMap<>();

  private RowJson() {}

  static byte[] line(List<String> columns, Object[] values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      for (int i = 0; i < values.length; i++) {
        g.writeFieldName(name(columns.get(i)));
        value(g, values[i]);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d.toPlainString()); // unquoted, with the scale it was given
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object element : list) {
        value(g, element);
      }
      g.writeEndArray();
    } else {
      throw new IllegalArgumentException("no JSON for a " + v.getClass().getSimpleName());
    }
  }

  /** Column names, UTF-8 encoded once (writing them char by char was the generator's main cost). */
  private static SerializedString name(String column) {
    SerializedString n = NAMES.get(column);
    return n != null ? n : NAMES.computeIfAbsent(column, SerializedString::new);
  }
}
