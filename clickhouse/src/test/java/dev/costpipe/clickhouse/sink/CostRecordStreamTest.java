package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of the cost record against the tree it replaces: the same row for every valid record it
 * takes, and for every other record the sink's answer (the tree's) is unchanged: the same row or the same dead
 * letter reason and message.
 */
class CostRecordStreamTest {
  private static final long INGESTED = 1_780_000_000L;
  private static final String FULL = cost("r-1").at("2026-11-20T09:15:02.999Z").user("alice")
      .session("s-1", "support-chat", "/triage").property("Environment", "production")
      .property("Team", "a\"b\\c\u0001é😀").streamed()
      .usage(new dev.costpipe.engine.usage.Usage(1200, 40, 1024, 1, 2, 3, 4, 5, 6, 7)).cost(128_160)
      .breakdown(Map.of("input", 26_400L, "cache_read", 76_800L, "output", 24_960L)).savings(76_800)
      .error("incomplete").error("späť").revision(2).reportedCost(127_300).json();
  /** Every shape a field can be given in. */
  private static final List<Object> SHAPES = List.of("", "x", "priced", "2026-11-20T09:15:02Z", 0, 7, -1, 1.5,
      new BigInteger("9223372036854775808"), 3_000_000_000L, 1_000_000_000_000_000_000L, true, false, List.of(),
      List.of("a"), List.of(1), Map.of(), Map.of("k", "v"), Map.of("k", 1), "0.000128160", 0.00012816);

  @Test
  void validRecordsGiveTheTreesRowOnTheStreamingPath() throws Exception {
    List<String> records = new ArrayList<>(List.of(FULL, cost("r-2").json(),
        cost("r-3").model("mystery", "m-1", null).status(null).unknownModel().json(),
        cost("r-4").user("ü😀").cacheHit(5_000).providerReported(77).json(),
        cost("r-5").cost(2_000_000_000L).json(), cost("r-6").cost(-5).json(), cost("r-7").cost(0).json(),
        cost("r-8").breakdown(Map.of("input", -3L)).json(),
        cost("r-9").at("2106-02-07T06:28:15Z").json(), cost("r-10").at("1970-01-01T00:00:00Z").json(),
        cost("r-11").at("2026-11-20T09:15:02.123456789Z").json()));
    ObjectNode full = tree(FULL);
    for (String optional : List.of("provider", "model", "model_key", "user_id", "session_id", "session_name",
        "session_path", "properties", "status", "cost_breakdown", "revision", "reported_cost_nano_usd", "errors",
        "cost_usd")) {
      records.add(full.deepCopy().without(optional).toString());
      if (optional.equals("cost_usd")) {
        continue; // null says there is no cost: see below
      }
      records.add(full.deepCopy().putNull(optional).toString());
    }
    records.add(full.deepCopy().without(List.of("cost_nano_usd", "cost_usd")).toString());
    ObjectNode noCost = full.deepCopy().putNull("cost_nano_usd");
    records.add(noCost.putNull("cost_usd").toString());
    for (String later : List.of("image_output_tokens", "video_input_tokens", "service_tier", "inference_geo")) {
      ObjectNode r = full.deepCopy();
      ((ObjectNode) r.get("usage")).set(later, Json.MAPPER.valueToTree(later.endsWith("tokens") ? (Object) 12 : "priority"));
      records.add(r.toString());
      ((ObjectNode) r.get("usage")).putNull(later);
      records.add(r.toString());
    }
    ObjectNode extra = full.deepCopy();
    extra.putArray("future").add(1).addObject().putNull("b").putArray("c").add("d");
    ((ObjectNode) extra.get("usage")).put("future_tokens", 5).putObject("nested").put("x", 1.5);
    records.add(extra.toString());
    records.add(reversed(full).toString());
    records.add(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(full));
    records.add(FULL.replace("\"alice\"", "\"\\u00e9l\\u00efce\\ud83d\\ude00\""));
    // names tried in the topology's order first: an escaped name, unknown fields between known ones
    records.add(FULL.replace("\"model\":", "\"mod\\u0065l\":").replace("\"images\":", "\"im\\u0061ges\":"));
    records.add(FULL.replace("\"status\":", "\"future\":{\"a\":[1]},\"status\":")
        .replace("\"images\":", "\"future_tokens\":3,\"images\":"));
    for (String costUsd : List.of("\"0.00012816\"", "0.00012816", "1.2816E-4", "0.000128160000")) {
      records.add(FULL.replace("\"cost_usd\":\"0.000128160\"", "\"cost_usd\":" + costUsd));
      assertThat(records.get(records.size() - 1)).isNotEqualTo(FULL);
    }
    records.add(FULL.replace("128160,\"cost_usd\":\"0.000128160\"", "3000000000,\"cost_usd\":3"));
    records.add(cost("r-3").model("mystery", "m-1", null).unknownModel().json() + "\n");
    records.add(" " + FULL.replace("128160,\"cost_usd\":\"0.000128160\"", "null,\"cost_usd\":null"));

    for (String json : records) {
      Object[] streamed = CostRecordStream.row(bytes(json), INGESTED);
      assertThat(streamed).as("taken by the streaming reader: %s", json).isNotNull();
      assertThat(Arrays.deepEquals(streamed, SinkRows.costRecordFromTree(bytes(json), INGESTED)))
          .as("same row: %s", json).isTrue();
    }
  }

  @Test
  void everyFieldInEveryShapeGivesTheTreesAnswer() throws Exception {
    ObjectNode full = tree(FULL);
    int taken = 0;
    int cases = 0;
    for (Iterator<String> it = full.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      taken += sameAnswer(full.deepCopy().without(field).toString()) ? 1 : 0;
      taken += sameAnswer(full.deepCopy().putNull(field).toString()) ? 1 : 0;
      cases += 2;
      for (Object shape : SHAPES) {
        ObjectNode r = full.deepCopy();
        r.set(field, Json.MAPPER.valueToTree(shape));
        taken += sameAnswer(r.toString()) ? 1 : 0;
        cases++;
      }
    }
    for (Iterator<String> it = full.get("usage").fieldNames(); it.hasNext(); ) {
      String field = it.next();
      List<ObjectNode> variants = new ArrayList<>();
      variants.add(full.deepCopy());
      ((ObjectNode) variants.get(0).get("usage")).remove(field);
      variants.add(full.deepCopy());
      ((ObjectNode) variants.get(1).get("usage")).putNull(field);
      for (Object shape : SHAPES) {
        ObjectNode r = full.deepCopy();
        ((ObjectNode) r.get("usage")).set(field, Json.MAPPER.valueToTree(shape));
        variants.add(r);
      }
      for (ObjectNode r : variants) {
        taken += sameAnswer(r.toString()) ? 1 : 0;
        cases++;
      }
    }
    assertThat(taken).as("the valid ones are taken by the streaming reader").isBetween(100, cases - 100);
  }

  @Test
  void invalidRecordsKeepTheirDeadLetter() throws Exception {
    String good = cost("r-3").json();
    for (String json : Arrays.asList(null, "", "null", "not json{", "[1,2]", "{\"a\":1} trailing", good + " {}",
        good.substring(0, good.length() - 1), good.replace("\"request_id\":\"r-3\"", "\"request_id\":\"\""),
        good.replace("\"request_id\":\"r-3\"", "\"request_id\":\"r-\\ud800\""),
        good.replace("\"request_id\":\"r-3\"", "\"request_id\":\"\",\"status\":\"abc\""),
        good.replace("\"status\":200", "\"status\":\"abc\",\"timestamp\":\"yesterday\""),
        good.replace("\"status\":200", "\"status\":200.0"),
        good.replace("\"status\":200", "\"status\":\"200\""),
        good.replace("\"streamed\":false", "\"streamed\":0"),
        good.replace("\"cache_savings_nano_usd\":0", "\"cache_savings_nano_usd\":\"0\""),
        good.replace("\"timestamp\":\"", "\"timestamp\":\"2026-02-30T00:00:00Z\",\"x\":\""),
        good.replace("\"cost_usd\":\"0.000001000\"", "\"cost_usd\":true"),
        good.replace("\"cost_usd\":\"0.000001000\"", "\"cost_usd\":\"abc\""),
        good.replace("\"cost_usd\":\"0.000001000\"", "\"cost_usd\":\"0.5\""),
        good.replace("\"cost_usd\":\"0.000001000\"", "\"cost_usd\":null"),
        good.replace("\"cost_usd\":\"0.000001000\"", "\"cost_usd\":1e999999"),
        good.replace("{\"input_tokens\"", "{\"input_tokens\":-1,\"x\""),
        good.replace("\"revision\":0", "\"revision\":2147483648"))) {
      assertThat(sameAnswer(json)).as("not taken by the streaming reader: %s", json).isFalse();
      assertThat(outcome(() -> SinkRows.costRecordFromTree(json == null ? null : bytes(json), INGESTED)))
          .as("refused: %s", json).isInstanceOf(String.class);
    }
  }

  @Test
  void aFieldGivenTwiceIsLeftToTheTreeWhichKeepsTheLast() throws Exception {
    String twice = cost("r-3").json().replace("\"request_id\":\"r-3\"", "\"request_id\":\"r-1\",\"request_id\":\"r-3\"");
    assertThat(CostRecordStream.row(bytes(twice), INGESTED)).isNull();
    assertThat(SinkRows.costRecord(bytes(twice), INGESTED)[0]).isEqualTo("r-3");
    String property = cost("r-3").property("a", "1").property("b", "2").json().replace("\"b\":\"2\"", "\"a\":\"3\"");
    assertThat(CostRecordStream.row(bytes(property), INGESTED)).isNull();
    sameAnswer(property);
  }

  /** The sink's answer equals the tree's; true when the streaming reader gave it. */
  private static boolean sameAnswer(String json) {
    byte[] value = json == null ? null : bytes(json);
    Object tree = outcome(() -> SinkRows.costRecordFromTree(value, INGESTED));
    Object sink = outcome(() -> SinkRows.costRecord(value, INGESTED));
    assertThat(sink instanceof Object[] s && tree instanceof Object[] t ? Arrays.deepEquals(s, t) : sink.equals(tree))
        .as("same answer for %s: %s / %s", json, sink, tree).isTrue();
    Object[] streamed = CostRecordStream.row(value, INGESTED);
    if (streamed != null) {
      assertThat(tree).as("the streaming reader took only a valid record: %s", json).isInstanceOf(Object[].class);
    }
    return streamed != null;
  }

  private interface Conversion {
    Object[] row() throws InvalidRecordException;
  }

  private static Object outcome(Conversion c) {
    try {
      return c.row();
    } catch (InvalidRecordException e) {
      return e.reason() + ": " + e.getMessage();
    }
  }

  private static ObjectNode tree(String json) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(json);
  }

  private static ObjectNode reversed(ObjectNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    ObjectNode r = Json.MAPPER.createObjectNode();
    for (int i = names.size() - 1; i >= 0; i--) {
      JsonNode v = o.get(names.get(i));
      r.set(names.get(i), v.isObject() ? reversed((ObjectNode) v) : v);
    }
    return r;
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
