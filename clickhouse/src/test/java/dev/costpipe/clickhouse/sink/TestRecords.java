package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Real cost records, aggregates and alert events for the sink's tests, in their wire JSON. */
final class TestRecords {
  private TestRecords() {}

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  static Builder cost(String requestId) {
    return new Builder(requestId);
  }

  /** Inserts cost records into {@code db.request_costs} as the sink's rows, all ingested at {@code ingestedAt}. */
  static void insertRows(Client client, String db, long ingestedAt, List<String> records) throws Exception {
    client.insert(db + ".request_costs", new ByteArrayInputStream(rows(SinkTable.REQUEST_COSTS, ingestedAt, records)),
        ClickHouseFormat.JSONEachRow).get().close();
  }

  /** Records of {@code table}'s topic as the JSONEachRow lines the sink writes, all ingested at {@code ingestedAt}. */
  static byte[] rows(SinkTable table, long ingestedAt, List<String> records) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String r : records) {
      body.write(table.row(r.getBytes(StandardCharsets.UTF_8), ingestedAt));
    }
    return body.toByteArray();
  }

  /** A cost record under construction: priced by default (openai/gpt-4o-mini, 1000 nano-USD). */
  static final class Builder {
    private final String requestId;
    private Instant timestamp = Instant.parse("2026-06-01T10:00:00.250Z");
    private String provider = "openai";
    private String model = "gpt-4o-mini";
    private String modelKey = "openai/gpt-4o-mini";
    private String userId;
    private String sessionId;
    private String sessionName;
    private String sessionPath;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Integer status = 200;
    private boolean streamed;
    private boolean cacheHit;
    private Usage usage = new Usage(100, 20, 0, 0, 0, 0, 0, 0, 0, 0);
    private UsageSource usageSource = UsageSource.PROVIDER;
    private PricingStatus pricingStatus = PricingStatus.PRICED;
    private Long cost = 1_000L;
    private Map<String, Long> breakdown;
    private long savings;
    private final List<String> errors = new ArrayList<>();
    private int revision;
    private Long reportedCost;

    private Builder(String requestId) {
      this.requestId = requestId;
    }

    Builder at(Instant t) {
      timestamp = t;
      return this;
    }

    Builder at(String iso) {
      return at(Instant.parse(iso));
    }

    Builder model(String provider, String model, String modelKey) {
      this.provider = provider;
      this.model = model;
      this.modelKey = modelKey;
      return this;
    }

    Builder user(String userId) {
      this.userId = userId;
      return this;
    }

    Builder session(String id, String name, String path) {
      sessionId = id;
      sessionName = name;
      sessionPath = path;
      return this;
    }

    Builder property(String name, String value) {
      properties.put(name, value);
      return this;
    }

    Builder status(Integer s) {
      status = s;
      return this;
    }

    Builder streamed() {
      streamed = true;
      return this;
    }

    Builder usage(long input, long output, long cacheRead) {
      usage = new Usage(input, output, cacheRead, 0, 0, 0, 0, 0, 0, 0);
      return this;
    }

    Builder usage(Usage u) {
      usage = u;
      return this;
    }

    /** Priced at {@code nano}, breakdown split input/output unless given. */
    Builder cost(long nano) {
      cost = nano;
      pricingStatus = PricingStatus.PRICED;
      return this;
    }

    Builder breakdown(Map<String, Long> parts) {
      breakdown = parts;
      return this;
    }

    Builder savings(long nano) {
      savings = nano;
      return this;
    }

    Builder cacheHit(long wouldHaveCost) {
      cacheHit = true;
      cost = 0L;
      savings = wouldHaveCost;
      breakdown = Map.of();
      return this;
    }

    Builder unknownModel() {
      pricingStatus = PricingStatus.UNKNOWN_MODEL;
      modelKey = null;
      cost = null;
      breakdown = Map.of();
      errors.add("unknown model: " + provider + "/" + model);
      return this;
    }

    Builder providerReported(long nano) {
      pricingStatus = PricingStatus.PROVIDER_REPORTED;
      cost = nano;
      breakdown = Map.of("provider_reported", nano);
      return this;
    }

    Builder noUsage() {
      pricingStatus = PricingStatus.NO_USAGE;
      usageSource = UsageSource.NONE;
      usage = Usage.ZERO;
      cost = null;
      breakdown = Map.of();
      errors.add("no usage reported or estimable");
      return this;
    }

    Builder error(String e) {
      errors.add(e);
      return this;
    }

    Builder revision(int r) {
      revision = r;
      return this;
    }

    Builder reportedCost(long nano) {
      reportedCost = nano;
      return this;
    }

    CostRecord build() {
      Map<String, Long> parts = breakdown;
      if (parts == null) {
        parts = new LinkedHashMap<>();
        if (cost != null && cost != 0) {
          parts.put("input", cost - cost / 3);
          parts.put("output", cost / 3);
        }
      }
      return new CostRecord(requestId, timestamp, provider, model, modelKey, userId, sessionId, sessionName,
          sessionPath, properties, status, streamed, cacheHit, usage, usageSource, pricingStatus, cost, parts, savings,
          errors, revision, reportedCost);
    }

    String json() {
      return dev.costpipe.engine.record.CostRecordJson.write(build());
    }
  }

  /** An aggregate record as the topology writes it (CostTotals#toTree + window fields). */
  static String aggregate(String dimension, String value, String window, String start, String end, long cost,
      long requests, long version, String sessionName, Map<String, long[]> paths) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("dimension", dimension);
    o.put("dimension_value", value);
    o.put("cost_nano_usd", cost);
    o.put("requests", requests);
    o.put("input_tokens", requests * 100);
    o.put("output_tokens", requests * 20);
    o.put("cache_read_tokens", 0);
    o.put("cache_write_tokens", 0);
    o.put("cache_hits", 0);
    o.put("cache_savings_nano_usd", 0);
    o.put("unknown_model_requests", 0);
    o.put("error_requests", 0);
    o.put("version", version);
    if (dimension.equals("session")) {
      o.put("session_name", sessionName);
      var arr = o.putArray("session_paths");
      paths.forEach((p, v) -> arr.addObject().put("session_path", p).put("cost_nano_usd", v[0]).put("requests", v[1]));
    }
    o.put("window", window);
    o.put("window_start", start);
    o.put("window_end", end);
    return o.toString();
  }

  /** An alert event as AlertThresholdStep writes it. */
  static String alert(String ruleId, int level, String budgetUsd, String spentUsd, String windowStart,
      String windowEnd, String crossedAt, String lastRequestId) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rule_id", ruleId);
    o.put("rule_name", "Rule " + ruleId);
    o.put("metric", "cost");
    o.put("level_pct", level);
    o.put("budget", new BigDecimal(budgetUsd));
    o.put("spent", new BigDecimal(spentUsd));
    o.put("window_start", windowStart);
    o.put("window_end", windowEnd);
    o.put("crossed_at", crossedAt);
    o.put("last_request_id", lastRequestId);
    o.putArray("channels").addObject().put("type", "slack").put("webhook", "https://hooks.example/x");
    return o.toString();
  }
}
