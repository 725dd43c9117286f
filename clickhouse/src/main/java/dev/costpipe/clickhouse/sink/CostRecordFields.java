package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.SinkRows.COST_COLUMNS;
import static dev.costpipe.clickhouse.sink.SinkRows.LATER_USAGE_FIELDS;
import static dev.costpipe.clickhouse.sink.SinkRows.USAGE_FIELDS;
import static dev.costpipe.clickhouse.sink.SinkRows.USAGE_TEXT_FIELDS;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A cost record's checked fields, as both readers of it fill them ({@link SinkRows#costRecordFromTree} and
 * {@link CostRecordStream}), and the one place that turns them into the row of {@code request_costs}.
 */
final class CostRecordFields {
  String requestId;
  long timestamp;
  String provider;
  String model;
  String modelKey;
  String userId;
  String sessionId;
  String sessionName;
  String sessionPath;
  final List<String> propertyKeys = new ArrayList<>();
  final List<String> propertyValues = new ArrayList<>();
  Long status;
  boolean streamed;
  boolean cacheHit;
  final long[] counts = new long[USAGE_FIELDS.size()];
  /** 0 when a record predates them. */
  final long[] laterCounts = new long[LATER_USAGE_FIELDS.size()];
  /** "" when a record predates them. */
  final String[] texts = new String[USAGE_TEXT_FIELDS.size()];
  String usageSource;
  String pricingStatus;
  Long cost;
  BigDecimal costUsd;
  final List<String> breakdownKeys = new ArrayList<>();
  final List<Long> breakdownValues = new ArrayList<>();
  long savings;
  long revision;
  Long reportedCost;
  final List<String> errors = new ArrayList<>();

  CostRecordFields() {
    Arrays.fill(texts, "");
  }

  Object[] row(long ingestedAt) throws InvalidRecordException {
    RowValues row = new RowValues(COST_COLUMNS)
        .put("request_id", requestId)
        .put("timestamp", timestamp)
        .put("provider", provider)
        .put("model", model)
        .put("model_key", modelKey)
        .put("user_id", userId)
        .put("session_id", sessionId)
        .put("session_name", sessionName)
        .put("session_path", sessionPath)
        .put("property_keys", propertyKeys)
        .put("property_values", propertyValues)
        .put("status", status)
        .put("streamed", streamed ? 1 : 0)
        .put("cache_hit", cacheHit ? 1 : 0);
    for (int i = 0; i < counts.length; i++) {
      row.put(USAGE_FIELDS.get(i), counts[i]);
    }
    for (int i = 0; i < laterCounts.length; i++) {
      row.put(LATER_USAGE_FIELDS.get(i), laterCounts[i]);
    }
    for (int i = 0; i < texts.length; i++) {
      row.put(USAGE_TEXT_FIELDS.get(i), texts[i]);
    }
    return row.put("usage_source", usageSource)
        .put("pricing_status", pricingStatus)
        .put("cost_nano_usd", cost)
        .put("cost_usd", costUsd) // exactly 9 places
        .put("cost_breakdown_keys", breakdownKeys)
        .put("cost_breakdown_values", breakdownValues)
        .put("cache_savings_nano_usd", savings)
        .put("errors", errors)
        .put("revision", revision)
        .put("reported_cost_nano_usd", reportedCost)
        // the version of ReplacingMergeTree: a later revision sorts after an earlier one inserted in the same second
        .put("ingested_at", ingestedAt + revision)
        .values();
  }
}
