package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.InvalidRecordException.INVALID_JSON;
import static dev.costpipe.clickhouse.sink.InvalidRecordException.INVALID_RECORD;
import static dev.costpipe.clickhouse.sink.InvalidRecordException.OUT_OF_RANGE;
import static dev.costpipe.clickhouse.sink.RecordFields.bool;
import static dev.costpipe.clickhouse.sink.RecordFields.count;
import static dev.costpipe.clickhouse.sink.RecordFields.dateTime;
import static dev.costpipe.clickhouse.sink.RecordFields.decimal;
import static dev.costpipe.clickhouse.sink.RecordFields.int64;
import static dev.costpipe.clickhouse.sink.RecordFields.nonEmptyText;
import static dev.costpipe.clickhouse.sink.RecordFields.object;
import static dev.costpipe.clickhouse.sink.RecordFields.optionalArray;
import static dev.costpipe.clickhouse.sink.RecordFields.optionalInt32;
import static dev.costpipe.clickhouse.sink.RecordFields.optionalInt64;
import static dev.costpipe.clickhouse.sink.RecordFields.optionalObject;
import static dev.costpipe.clickhouse.sink.RecordFields.optionalText;
import static dev.costpipe.clickhouse.sink.RecordFields.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.UsageSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Kafka record value → the values of its table's row ({@link RowValues}, in the order of the table's columns
 * below): DateTime as epoch seconds, Decimal as a {@code BigDecimal} with the column's exact scale, booleans as
 * 0/1, absent nullable fields as null. Checks the record against its contract (README: the cost record, the
 * aggregate, the alert event) and against the columns' ranges first; a record that fails is an
 * {@link InvalidRecordException}, never a partly written row.
 */
final class SinkRows {
  static final List<String> USAGE_FIELDS = List.of("input_tokens", "output_tokens", "cache_read_tokens",
      "cache_write_tokens", "cache_write_1h_tokens", "reasoning_tokens", "audio_input_tokens",
      "audio_output_tokens", "web_search_calls", "images");
  /** Usage counts added after the first contract (V004, V009): 0 when a record predates them. */
  static final List<String> LATER_USAGE_FIELDS = List.of("image_output_tokens", "cache_read_audio_tokens",
      "search_sources", "server_tool_calls", "image_input_tokens", "video_input_tokens");
  /** Usage texts added with V004: "" when a record predates them. */
  static final List<String> USAGE_TEXT_FIELDS = List.of("service_tier", "inference_geo");
  static final Set<String> USAGE_SOURCES =
      Arrays.stream(UsageSource.values()).map(UsageSource::wire).collect(Collectors.toUnmodifiableSet());
  static final Set<String> PRICING_STATUSES =
      Arrays.stream(PricingStatus.values()).map(PricingStatus::wire).collect(Collectors.toUnmodifiableSet());
  private static final Set<String> ALERT_METRICS = Set.of("cost", "requests");
  private static final List<String> AGGREGATE_COUNTS = List.of("requests", "input_tokens", "output_tokens",
      "cache_read_tokens", "cache_write_tokens", "cache_hits");

  static final List<String> COST_COLUMNS = Stream.of(List.of("request_id", "timestamp", "provider", "model",
      "model_key", "user_id", "session_id", "session_name", "session_path", "property_keys", "property_values",
      "status", "streamed", "cache_hit"), USAGE_FIELDS, LATER_USAGE_FIELDS, USAGE_TEXT_FIELDS, List.of("usage_source",
      "pricing_status", "cost_nano_usd", "cost_usd", "cost_breakdown_keys", "cost_breakdown_values",
      "cache_savings_nano_usd", "errors", "revision", "reported_cost_nano_usd", "ingested_at"))
      .flatMap(List::stream).toList();
  static final List<String> AGGREGATE_COLUMNS = Stream.of(List.of("dimension", "dimension_value", "window",
      "window_start", "window_end", "cost_nano_usd"), AGGREGATE_COUNTS, List.of("cache_savings_nano_usd",
      "unknown_model_requests", "error_requests", "version", "session_name", "session_paths_path",
      "session_paths_cost_nano_usd", "session_paths_requests", "ingested_at")).flatMap(List::stream).toList();
  static final List<String> ALERT_COLUMNS = List.of("rule_id", "rule_name", "metric", "level_pct", "budget", "spent",
      "window_start", "window_end", "crossed_at", "last_request_id", "channels", "partial_since", "per", "per_value",
      "ingested_at");

  private SinkRows() {}

  // ---------------------------------------------------------------------------------------------
  // request_costs

  /** The streaming reader's row; the tree's when the record is anything but a plain valid one (same dead letters). */
  static Object[] costRecord(byte[] value, long ingestedAt) throws InvalidRecordException {
    Object[] row = CostRecordStream.row(value, ingestedAt);
    return row != null ? row : costRecordFromTree(value, ingestedAt);
  }

  /** The checks in their order: the first that fails is the record's dead-letter reason and message. */
  static Object[] costRecordFromTree(byte[] value, long ingestedAt) throws InvalidRecordException {
    JsonNode o = parse(value);
    CostRecordFields f = new CostRecordFields();
    f.requestId = nonEmptyText(o, "request_id");
    f.timestamp = dateTime(o, "timestamp");
    f.provider = optionalText(o, "provider");
    f.model = optionalText(o, "model");
    f.modelKey = optionalText(o, "model_key");
    f.userId = optionalText(o, "user_id");
    f.sessionId = optionalText(o, "session_id");
    f.sessionName = optionalText(o, "session_name");
    f.sessionPath = optionalText(o, "session_path");
    for (Iterator<Map.Entry<String, JsonNode>> it = optionalObject(o, "properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (!p.getValue().isTextual()) {
        throw new InvalidRecordException(INVALID_RECORD, "properties." + p.getKey() + " must be a string");
      }
      f.propertyKeys.add(p.getKey());
      f.propertyValues.add(p.getValue().textValue());
    }
    Integer status = optionalInt32(o, "status");
    f.status = status == null ? null : (long) status;
    f.streamed = bool(o, "streamed");
    f.cacheHit = bool(o, "cache_hit");
    JsonNode usage = object(o, "usage");
    for (int i = 0; i < f.counts.length; i++) {
      f.counts[i] = count(usage, "usage", USAGE_FIELDS.get(i));
    }
    for (int i = 0; i < f.laterCounts.length; i++) {
      String field = LATER_USAGE_FIELDS.get(i);
      f.laterCounts[i] = usage.hasNonNull(field) ? count(usage, "usage", field) : 0;
    }
    for (int i = 0; i < f.texts.length; i++) {
      String t = optionalText(usage, USAGE_TEXT_FIELDS.get(i));
      f.texts[i] = t == null ? "" : t;
    }
    f.usageSource = oneOf(o, "usage_source", USAGE_SOURCES);
    f.pricingStatus = oneOf(o, "pricing_status", PRICING_STATUSES);
    f.cost = optionalInt64(o, "cost_nano_usd");
    if (f.cost != null && !costFits(f.cost)) {
      throw new InvalidRecordException(OUT_OF_RANGE, "cost_nano_usd " + f.cost
          + " does not fit cost_usd Decimal(18, 9) (|cost| < 10^9 USD)");
    }
    f.costUsd = f.cost == null ? null : BigDecimal.valueOf(f.cost, 9);
    checkCostUsd(o, f.costUsd);
    for (Iterator<Map.Entry<String, JsonNode>> it = optionalObject(o, "cost_breakdown").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> part = it.next();
      f.breakdownKeys.add(part.getKey());
      f.breakdownValues.add(int64(part.getValue(), "cost_breakdown." + part.getKey()));
    }
    f.savings = int64(o, null, "cache_savings_nano_usd");
    f.revision = o.hasNonNull("revision") ? count(o, null, "revision") : 0;
    if (f.revision > Integer.MAX_VALUE) {
      throw new InvalidRecordException(OUT_OF_RANGE, "revision " + f.revision + " is out of range");
    }
    f.reportedCost = optionalInt64(o, "reported_cost_nano_usd");
    for (JsonNode e : optionalArray(o, "errors")) {
      if (!e.isTextual()) {
        throw new InvalidRecordException(INVALID_RECORD, "errors must hold strings");
      }
      f.errors.add(e.textValue());
    }
    return f.row(ingestedAt);
  }

  /** cost_usd is Decimal(18, 9): |cost| < 10^9 USD. */
  static boolean costFits(long costNano) {
    return costNano > -RecordFields.DECIMAL_18_9_LIMIT_NANO && costNano < RecordFields.DECIMAL_18_9_LIMIT_NANO;
  }

  /** {@code cost_usd}, when given, must say the same as {@code cost_nano_usd}. */
  private static void checkCostUsd(JsonNode o, BigDecimal expected) throws InvalidRecordException {
    JsonNode v = o.get("cost_usd");
    if (v == null || v.isNull()) {
      if (expected != null && v != null) {
        throw new InvalidRecordException(INVALID_RECORD, "cost_usd is null but cost_nano_usd is not");
      }
      return;
    }
    BigDecimal given;
    try {
      given = v.isTextual() ? new BigDecimal(v.textValue()) : v.isNumber() ? v.decimalValue() : null;
    } catch (NumberFormatException e) {
      given = null;
    }
    if (given == null) {
      throw new InvalidRecordException(INVALID_RECORD, "cost_usd must be a decimal string or null");
    }
    if (expected == null || given.compareTo(expected) != 0) {
      throw new InvalidRecordException(INVALID_RECORD, "cost_usd " + v.asText() + " disagrees with cost_nano_usd "
          + (expected == null ? "null" : expected.unscaledValue()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // cost_aggregates

  static Object[] aggregate(byte[] value, long ingestedAt) throws InvalidRecordException {
    JsonNode o = parse(value);
    String dimension = nonEmptyText(o, "dimension");
    String dimensionValue = text(o, "dimension_value");
    String window = nonEmptyText(o, "window");
    long windowStart = dateTime(o, "window_start");
    long windowEnd = dateTime(o, "window_end");
    long cost = int64(o, null, "cost_nano_usd");
    long[] counts = new long[AGGREGATE_COUNTS.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = count(o, null, AGGREGATE_COUNTS.get(i));
    }
    long savings = int64(o, null, "cache_savings_nano_usd");
    long unknownModelRequests = count(o, null, "unknown_model_requests");
    long errorRequests = count(o, null, "error_requests");
    long version = count(o, null, "version");
    String sessionName = optionalText(o, "session_name");
    List<String> paths = new ArrayList<>();
    List<Long> pathCosts = new ArrayList<>();
    List<Long> pathRequests = new ArrayList<>();
    for (JsonNode p : optionalArray(o, "session_paths")) {
      if (!p.isObject()) {
        throw new InvalidRecordException(INVALID_RECORD, "session_paths must hold objects");
      }
      paths.add(text(p, "session_path"));
      pathCosts.add(int64(p, "session_paths", "cost_nano_usd"));
      pathRequests.add(count(p, "session_paths", "requests"));
    }

    RowValues row = new RowValues(AGGREGATE_COLUMNS)
        .put("dimension", dimension)
        .put("dimension_value", dimensionValue)
        .put("window", window)
        .put("window_start", windowStart)
        .put("window_end", windowEnd)
        .put("cost_nano_usd", cost);
    for (int i = 0; i < counts.length; i++) {
      row.put(AGGREGATE_COUNTS.get(i), counts[i]);
    }
    return row.put("cache_savings_nano_usd", savings)
        .put("unknown_model_requests", unknownModelRequests)
        .put("error_requests", errorRequests)
        .put("version", version)
        .put("session_name", sessionName)
        .put("session_paths_path", paths)
        .put("session_paths_cost_nano_usd", pathCosts)
        .put("session_paths_requests", pathRequests)
        .put("ingested_at", ingestedAt)
        .values();
  }

  // ---------------------------------------------------------------------------------------------
  // cost_alerts

  static Object[] alert(byte[] value, long ingestedAt) throws InvalidRecordException {
    JsonNode o = parse(value);
    String ruleId = nonEmptyText(o, "rule_id");
    String ruleName = text(o, "rule_name");
    String metric = oneOf(o, "metric", ALERT_METRICS);
    long level = count(o, null, "level_pct");
    if (level > 0xFFFF_FFFFL) {
      throw new InvalidRecordException(OUT_OF_RANGE, "level_pct does not fit UInt32: " + level);
    }
    BigDecimal budget = decimal(o, "budget", 38, 9);
    BigDecimal spent = decimal(o, "spent", 38, 9);
    long windowStart = dateTime(o, "window_start");
    long windowEnd = dateTime(o, "window_end");
    long crossedAt = dateTime(o, "crossed_at");
    String lastRequestId = optionalText(o, "last_request_id");
    Long partialSince = o.hasNonNull("partial_since") ? dateTime(o, "partial_since") : null;
    String per = optionalText(o, "per");
    String perValue = optionalText(o, "per_value");
    JsonNode channels = o.get("channels");
    String channelsJson;
    try {
      channelsJson = channels == null || channels.isNull() ? "[]" : Json.MAPPER.writeValueAsString(channels);
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException(INVALID_RECORD, "channels cannot be written back as JSON: "
          + e.getOriginalMessage());
    }

    return new RowValues(ALERT_COLUMNS)
        // each key of a per rule its own rows: the sort key (rule_id, window_start, level_pct) cannot take per_value
        .put("rule_id", perValue == null ? ruleId : ruleId + "/" + perValue)
        .put("rule_name", ruleName)
        .put("metric", metric)
        .put("level_pct", level)
        .put("budget", budget)
        .put("spent", spent)
        .put("window_start", windowStart)
        .put("window_end", windowEnd)
        .put("crossed_at", crossedAt)
        .put("last_request_id", lastRequestId)
        .put("channels", channelsJson)
        .put("partial_since", partialSince)
        .put("per", per == null ? "" : per)
        .put("per_value", perValue == null ? "" : perValue)
        .put("ingested_at", ingestedAt)
        .values();
  }

  // ---------------------------------------------------------------------------------------------

  private static JsonNode parse(byte[] value) throws InvalidRecordException {
    if (value == null) {
      throw new InvalidRecordException(INVALID_JSON, "the record has no value (a tombstone)");
    }
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(value);
    } catch (IOException e) {
      String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new InvalidRecordException(INVALID_JSON, "not JSON: " + message);
    }
    if (o == null || !o.isObject()) {
      throw new InvalidRecordException(INVALID_JSON, "not a JSON object");
    }
    return o;
  }

  private static String oneOf(JsonNode o, String field, Set<String> allowed) throws InvalidRecordException {
    String v = text(o, field);
    if (!allowed.contains(v)) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be one of " + allowed.stream().sorted().toList()
          + ", got '" + v + "'");
    }
    return v;
  }
}
