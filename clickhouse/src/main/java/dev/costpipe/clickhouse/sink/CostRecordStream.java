package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.SinkRows.LATER_USAGE_FIELDS;
import static dev.costpipe.clickhouse.sink.SinkRows.USAGE_FIELDS;
import static dev.costpipe.clickhouse.sink.SinkRows.USAGE_TEXT_FIELDS;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A cost record read in one pass of Jackson's {@link JsonParser} straight into its fields, without the tree
 * ({@link SinkRows#costRecordFromTree}: building the tree was most of the sink's CPU per row). It takes only a
 * plain valid record: anything else (a check that fails, a field given twice, a number of another form, JSON
 * that does not parse) gives null, and the caller reads the record again as a tree, whose checks, in their
 * order, give the dead letter's reason and message as before. So a valid record has the same row either way,
 * and an invalid one the same dead letter.
 */
final class CostRecordStream {
  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
  /** Larger maps (never seen) go to the tree: the duplicate-key check here is a linear search. */
  private static final int MAX_MAP_ENTRIES = 64;
  private static final int USAGE_COUNT_FIELDS = USAGE_FIELDS.size() + LATER_USAGE_FIELDS.size();
  private static final List<String> REQUIRED = List.of("request_id", "timestamp", "streamed", "cache_hit", "usage",
      "usage_source", "pricing_status", "cache_savings_nano_usd");
  private static final List<String> OPTIONAL = List.of("provider", "model", "model_key", "user_id", "session_id",
      "session_name", "session_path", "properties", "status", "cost_nano_usd", "cost_usd", "cost_breakdown",
      "revision", "reported_cost_nano_usd", "errors");

  /** The fields in the order the topology writes them ({@code CostRecordJson}). */
  private static final List<String> WIRE_ORDER = List.of("request_id", "timestamp", "provider", "model", "model_key",
      "user_id", "session_id", "session_name", "session_path", "properties", "status", "streamed", "cache_hit",
      "usage", "usage_source", "pricing_status", "cost_nano_usd", "cost_usd", "cost_breakdown",
      "cache_savings_nano_usd", "errors", "revision", "reported_cost_nano_usd");

  /** Field → its bit in the fields seen (required ones first): one hash lookup per field, not a search. */
  private static final Map<String, Integer> BITS = bits(REQUIRED, OPTIONAL);
  /** The usage fields' bits follow their wire order. */
  private static final List<String> USAGE_ORDER = Stream.of(USAGE_FIELDS, LATER_USAGE_FIELDS, USAGE_TEXT_FIELDS)
      .flatMap(List::stream).toList();
  private static final Map<String, Integer> USAGE_BITS = bits(USAGE_ORDER);
  /** By a field's bit, the field written after it (null after the last): the name tried first for the next one. */
  private static final SerializedString[] NEXT = next(BITS, WIRE_ORDER);
  private static final SerializedString[] USAGE_NEXT = next(USAGE_BITS, USAGE_ORDER);
  private static final SerializedString FIRST = new SerializedString(WIRE_ORDER.get(0));
  private static final SerializedString USAGE_FIRST = new SerializedString(USAGE_ORDER.get(0));

  private CostRecordStream() {}

  @SafeVarargs
  private static Map<String, Integer> bits(List<String>... lists) {
    Map<String, Integer> bits = new HashMap<>();
    for (List<String> list : lists) {
      for (String field : list) {
        bits.put(field, bits.size());
      }
    }
    return bits;
  }

  private static SerializedString[] next(Map<String, Integer> bits, List<String> order) {
    SerializedString[] next = new SerializedString[bits.size()];
    for (int i = 0; i + 1 < order.size(); i++) {
      next[bits.get(order.get(i))] = new SerializedString(order.get(i + 1));
    }
    return next;
  }

  /**
   * The next field's name, or null at the object's end. {@code expected} is compared with the input's bytes first:
   * when it matches (a record as the topology writes it), Jackson neither decodes nor looks up the name.
   */
  private static String nextFieldName(JsonParser p, SerializedString expected) throws IOException {
    if (expected != null) {
      return p.nextFieldName(expected) ? expected.getValue()
          : p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }
    return p.nextFieldName();
  }

  /** The record's row, or null when only the tree's checks can say what it is. */
  static Object[] row(byte[] value, long ingestedAt) {
    if (value == null) {
      return null;
    }
    try (JsonParser p = FACTORY.createParser(value)) {
      CostRecordFields f = new CostRecordFields();
      if (p.nextToken() != JsonToken.START_OBJECT || !object(p, f) || p.nextToken() != null) {
        return null;
      }
      return f.row(ingestedAt);
    } catch (IOException | InvalidRecordException | RuntimeException e) {
      return null; // the tree says why
    }
  }

  /** The record's fields up to its closing brace; false when the tree must decide. */
  private static boolean object(JsonParser p, CostRecordFields f) throws IOException {
    long seen = 0;
    boolean costUsdGiven = false;
    BigDecimal costUsd = null;
    SerializedString expected = FIRST;
    for (String name; (name = nextFieldName(p, expected)) != null; ) {
      JsonToken t = p.nextToken();
      Integer bit = BITS.get(name);
      expected = bit == null ? null : NEXT[bit];
      if (bit != null) {
        if ((seen & 1L << bit) != 0) {
          return false; // the tree keeps the last of the two
        }
        seen |= 1L << bit;
      }
      switch (name) {
        case "request_id" -> {
          if (t != JsonToken.VALUE_STRING || p.getTextLength() == 0) {
            return false;
          }
          f.requestId = p.getText();
        }
        case "timestamp" -> {
          if (t != JsonToken.VALUE_STRING) {
            return false;
          }
          long seconds;
          try {
            seconds = RecordFields.epochSecond(p.getText());
          } catch (DateTimeException e) {
            return false;
          }
          if (seconds < 0 || seconds > RecordFields.MAX_DATETIME) {
            return false;
          }
          f.timestamp = seconds;
        }
        case "provider" -> f.provider = optionalText(p, t);
        case "model" -> f.model = optionalText(p, t);
        case "model_key" -> f.modelKey = optionalText(p, t);
        case "user_id" -> f.userId = optionalText(p, t);
        case "session_id" -> f.sessionId = optionalText(p, t);
        case "session_name" -> f.sessionName = optionalText(p, t);
        case "session_path" -> f.sessionPath = optionalText(p, t);
        case "properties" -> {
          if (!properties(p, t, f)) {
            return false;
          }
        }
        case "status" -> {
          Long status = optionalInt64(p, t);
          if (status != null && (status < Integer.MIN_VALUE || status > Integer.MAX_VALUE)) {
            return false;
          }
          f.status = status;
        }
        case "streamed" -> f.streamed = bool(t);
        case "cache_hit" -> f.cacheHit = bool(t);
        case "usage" -> {
          if (t != JsonToken.START_OBJECT || !usage(p, f)) {
            return false;
          }
        }
        case "usage_source" -> f.usageSource = oneOf(p, t, SinkRows.USAGE_SOURCES);
        case "pricing_status" -> f.pricingStatus = oneOf(p, t, SinkRows.PRICING_STATUSES);
        case "cost_nano_usd" -> {
          f.cost = optionalInt64(p, t);
          if (f.cost != null && !SinkRows.costFits(f.cost)) {
            return false;
          }
        }
        case "cost_usd" -> {
          costUsdGiven = true;
          costUsd = t == JsonToken.VALUE_NULL ? null
              : t == JsonToken.VALUE_STRING ? new BigDecimal(p.getText())
              : t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getDecimalValue()
              : fail();
        }
        case "cost_breakdown" -> {
          if (!breakdown(p, t, f)) {
            return false;
          }
        }
        case "cache_savings_nano_usd" -> f.savings = int64(p, t);
        case "revision" -> {
          Long revision = optionalInt64(p, t);
          if (revision != null && (revision < 0 || revision > Integer.MAX_VALUE)) {
            return false;
          }
          f.revision = revision == null ? 0 : revision;
        }
        case "reported_cost_nano_usd" -> f.reportedCost = optionalInt64(p, t);
        case "errors" -> {
          if (!errors(p, t, f)) {
            return false;
          }
        }
        default -> p.skipChildren(); // a field the sink does not store
      }
    }
    if ((seen & (1L << REQUIRED.size()) - 1) != (1L << REQUIRED.size()) - 1) {
      return false; // a required field is missing
    }
    f.costUsd = f.cost == null ? null : BigDecimal.valueOf(f.cost, 9);
    return !costUsdGiven || (costUsd == null ? f.cost == null
        : f.costUsd != null && costUsd.compareTo(f.costUsd) == 0);
  }

  private static boolean usage(JsonParser p, CostRecordFields f) throws IOException {
    int seen = 0;
    SerializedString expected = USAGE_FIRST;
    for (String name; (name = nextFieldName(p, expected)) != null; ) {
      JsonToken t = p.nextToken();
      Integer known = USAGE_BITS.get(name);
      int bit = known == null ? -1 : known;
      expected = bit < 0 ? null : USAGE_NEXT[bit];
      int count = bit < USAGE_FIELDS.size() ? bit : -1;
      int later = bit >= USAGE_FIELDS.size() && bit < USAGE_COUNT_FIELDS ? bit - USAGE_FIELDS.size() : -1;
      int text = bit >= USAGE_COUNT_FIELDS ? bit - USAGE_COUNT_FIELDS : -1;
      if (bit >= 0) {
        if ((seen & 1 << bit) != 0) {
          return false;
        }
        seen |= 1 << bit;
      }
      if (count >= 0) {
        f.counts[count] = nonNegative(int64(p, t));
      } else if (later >= 0) {
        Long v = optionalInt64(p, t);
        f.laterCounts[later] = v == null ? 0 : nonNegative(v);
      } else if (text >= 0) {
        String v = optionalText(p, t);
        f.texts[text] = v == null ? "" : v;
      } else {
        p.skipChildren();
      }
    }
    int required = (1 << USAGE_FIELDS.size()) - 1;
    return (seen & required) == required;
  }

  private static boolean properties(JsonParser p, JsonToken t, CostRecordFields f) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return true;
    }
    if (t != JsonToken.START_OBJECT) {
      return false;
    }
    for (String name; (name = p.nextFieldName()) != null; ) {
      if (p.nextToken() != JsonToken.VALUE_STRING || !newKey(f.propertyKeys, name)) {
        return false;
      }
      f.propertyKeys.add(name);
      f.propertyValues.add(p.getText());
    }
    return true;
  }

  private static boolean breakdown(JsonParser p, JsonToken t, CostRecordFields f) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return true;
    }
    if (t != JsonToken.START_OBJECT) {
      return false;
    }
    for (String name; (name = p.nextFieldName()) != null; ) {
      JsonToken v = p.nextToken();
      if (!newKey(f.breakdownKeys, name)) {
        return false;
      }
      f.breakdownKeys.add(name);
      f.breakdownValues.add(int64(p, v));
    }
    return true;
  }

  private static boolean errors(JsonParser p, JsonToken t, CostRecordFields f) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return true;
    }
    if (t != JsonToken.START_ARRAY) {
      return false;
    }
    for (JsonToken e; (e = p.nextToken()) != JsonToken.END_ARRAY; ) {
      if (e != JsonToken.VALUE_STRING) {
        return false;
      }
      f.errors.add(p.getText());
    }
    return true;
  }

  /** A key not yet in the map (the tree would keep the first's place with the last's value). */
  private static boolean newKey(List<String> keys, String key) {
    return keys.size() < MAX_MAP_ENTRIES && !keys.contains(key);
  }

  private static String optionalText(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_NULL ? null : t == JsonToken.VALUE_STRING ? p.getText() : fail();
  }

  private static String oneOf(JsonParser p, JsonToken t, Set<String> allowed) throws IOException {
    String v = t == JsonToken.VALUE_STRING ? p.getText() : null;
    return v != null && allowed.contains(v) ? v : fail();
  }

  private static boolean bool(JsonToken t) {
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      fail();
    }
    return t == JsonToken.VALUE_TRUE;
  }

  /** An integral JSON number within a signed 64-bit integer (a larger one is a BIG_INTEGER). */
  private static long int64(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      return fail();
    }
    return p.getLongValue();
  }

  private static Long optionalInt64(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_NULL ? null : int64(p, t);
  }

  private static long nonNegative(long v) {
    return v >= 0 ? v : fail();
  }

  /** Not a plain valid record: {@link #row} gives null and the tree decides. */
  private static <T> T fail() {
    throw new NotPlain();
  }

  private static final class NotPlain extends RuntimeException {
    NotPlain() {
      super(null, null, false, false); // thrown for control flow only: no stack trace
    }
  }
}
