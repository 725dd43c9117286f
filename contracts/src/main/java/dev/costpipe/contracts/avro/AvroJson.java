package dev.costpipe.contracts.avro;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Converts between costpipe's JSON contracts (README) and Avro records of the schemas in
 * {@code src/main/avro}, driven by the schema: field names are the JSON's, so each value maps one to one.
 * Two field properties cover what Avro has no type for:
 * <ul>
 *   <li>{@code "json": "number"}: an exact decimal (a rate, a budget) kept as its decimal text, never a
 *       double; a JSON number in the JSON form;</li>
 *   <li>{@code "json": "json"}: any JSON value (an alert's channels) kept as its JSON text.</li>
 * </ul>
 * A JSON object or array given for a plain string field (a raw event's body or chunk) is kept as its JSON
 * text. Records of a schema whose generated class is on the class path come out as that class.
 */
public final class AvroJson {
  public static final String JSON_PROP = "json";
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private AvroJson() {}

  /** The Avro record of {@code schema} holding {@code json}; an {@link IllegalArgumentException} says which field does not fit. */
  public static IndexedRecord toRecord(JsonNode json, Schema schema) {
    return (IndexedRecord) toAvro(json, schema, null, schema.getName());
  }

  /** The JSON form of an Avro record, by its own schema. */
  public static ObjectNode toJson(IndexedRecord record) {
    return (ObjectNode) toJson(record, record.getSchema(), null);
  }

  /** The JSON form of an Avro record as UTF-8 bytes, decimals written plain (never in E notation). */
  public static byte[] toJsonBytes(IndexedRecord record) {
    try {
      return MAPPER.writeValueAsBytes(toJson(record));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static Object toAvro(JsonNode v, Schema s, String jsonProp, String path) {
    switch (s.getType()) {
      case UNION -> {
        if (v == null || v.isNull()) {
          if (s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
            return null;
          }
          throw new IllegalArgumentException(path + " must not be null");
        }
        for (Schema branch : s.getTypes()) {
          if (branch.getType() != Schema.Type.NULL && fits(v, branch, jsonProp)) {
            return toAvro(v, branch, jsonProp, path);
          }
        }
        throw new IllegalArgumentException(path + " has an unexpected type: " + v.getNodeType());
      }
      case RECORD -> {
        if (v == null || !v.isObject()) {
          throw new IllegalArgumentException(path + " must be an object");
        }
        IndexedRecord r = newRecord(s);
        for (Schema.Field f : s.getFields()) {
          JsonNode fv = v.get(f.name());
          Object value = (fv == null || fv.isNull()) && f.hasDefaultValue() && !nullable(f.schema())
              ? GenericData.get().deepCopy(f.schema(), GenericData.get().getDefaultValue(f))
              : toAvro(fv, f.schema(), f.getProp(JSON_PROP), path + "." + f.name());
          r.put(f.pos(), value);
        }
        return r;
      }
      case MAP -> {
        requireNonNull(v, path);
        if (!v.isObject()) {
          throw new IllegalArgumentException(path + " must be an object");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          m.put(e.getKey(), toAvro(e.getValue(), s.getValueType(), jsonProp, path + "." + e.getKey()));
        }
        return m;
      }
      case ARRAY -> {
        requireNonNull(v, path);
        if (!v.isArray()) {
          throw new IllegalArgumentException(path + " must be an array");
        }
        List<Object> list = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
          list.add(toAvro(v.get(i), s.getElementType(), jsonProp, path + "[" + i + "]"));
        }
        return list;
      }
      case STRING -> {
        requireNonNull(v, path);
        if ("number".equals(jsonProp)) {
          if (!v.isNumber()) {
            throw new IllegalArgumentException(path + " must be a number");
          }
          return v.decimalValue().toPlainString();
        }
        if ("json".equals(jsonProp) || v.isContainerNode()) {
          return v.toString();
        }
        if (!v.isTextual()) {
          throw new IllegalArgumentException(path + " must be a string");
        }
        return v.textValue();
      }
      case LONG -> {
        requireNonNull(v, path);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
          throw new IllegalArgumentException(path + " must be an integer (64 bits)");
        }
        return v.longValue();
      }
      case INT -> {
        requireNonNull(v, path);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
          throw new IllegalArgumentException(path + " must be an integer (32 bits)");
        }
        return v.intValue();
      }
      case BOOLEAN -> {
        requireNonNull(v, path);
        if (!v.isBoolean()) {
          throw new IllegalArgumentException(path + " must be true or false");
        }
        return v.booleanValue();
      }
      case NULL -> {
        return null;
      }
      default -> throw new IllegalArgumentException(path + ": Avro type " + s.getType() + " is not used by costpipe's schemas");
    }
  }

  /** The generated class when it is of exactly this schema (not another version of it), else a generic record. */
  private static IndexedRecord newRecord(Schema s) {
    Class<?> generated = SpecificData.get().getClass(s);
    return generated != null && SpecificData.get().getSchema(generated).equals(s)
        ? (IndexedRecord) SpecificData.get().newRecord(null, s) : new GenericData.Record(s);
  }

  /** Whether a JSON value can be written as this (non-null) union branch. */
  private static boolean fits(JsonNode v, Schema branch, String jsonProp) {
    return switch (branch.getType()) {
      case STRING -> "number".equals(jsonProp) ? v.isNumber() : v.isTextual() || v.isContainerNode() || "json".equals(jsonProp);
      case LONG -> v.isIntegralNumber() && v.canConvertToLong();
      case INT -> v.isIntegralNumber() && v.canConvertToInt();
      case BOOLEAN -> v.isBoolean();
      case RECORD, MAP -> v.isObject();
      case ARRAY -> v.isArray();
      default -> false;
    };
  }

  private static boolean nullable(Schema s) {
    return s.getType() == Schema.Type.NULL
        || s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }

  private static void requireNonNull(JsonNode v, String path) {
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(path + " is missing");
    }
  }

  private static JsonNode toJson(Object v, Schema s, String jsonProp) {
    if (v == null) {
      return NODES.nullNode();
    }
    switch (s.getType()) {
      case UNION -> {
        return toJson(v, s.getTypes().get(GenericData.get().resolveUnion(s, v)), jsonProp);
      }
      case RECORD -> {
        IndexedRecord r = (IndexedRecord) v;
        ObjectNode o = NODES.objectNode();
        for (Schema.Field f : s.getFields()) {
          o.set(f.name(), toJson(r.get(f.pos()), f.schema(), f.getProp(JSON_PROP)));
        }
        return o;
      }
      case MAP -> {
        ObjectNode o = NODES.objectNode();
        ((Map<?, ?>) v).forEach((k, x) -> o.set(k.toString(), toJson(x, s.getValueType(), jsonProp)));
        return o;
      }
      case ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        ((Iterable<?>) v).forEach(x -> a.add(toJson(x, s.getElementType(), jsonProp)));
        return a;
      }
      case STRING -> {
        String text = v.toString();
        if ("number".equals(jsonProp)) {
          try {
            return NODES.numberNode(new BigDecimal(text));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a decimal number: '" + text + "'");
          }
        }
        if ("json".equals(jsonProp)) {
          try {
            return MAPPER.readTree(text);
          } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON text: " + e.getOriginalMessage());
          }
        }
        return NODES.textNode(text);
      }
      case LONG -> {
        return NODES.numberNode((Long) v);
      }
      case INT -> {
        return NODES.numberNode((Integer) v);
      }
      case BOOLEAN -> {
        return NODES.booleanNode((Boolean) v);
      }
      default -> throw new IllegalArgumentException("Avro type " + s.getType() + " is not used by costpipe's schemas");
    }
  }
}
