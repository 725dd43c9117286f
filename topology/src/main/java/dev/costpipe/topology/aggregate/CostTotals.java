package dev.costpipe.topology.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.serde.BinarySerde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A window's totals for one dimension value. {@code version} counts the updates, so a sink keeps
 * the highest. Sessions also carry their name and the split by session path. The same form holds a sum of
 * contributions not yet in a window ({@link #of}, {@link #merge}): what the combine step sends to the windows, its
 * {@code version} the number of contributions it sums, so that merged totals equal the contributions added one by one.
 */
public final class CostTotals {
  String dimension;
  String value;
  long costNanoUsd;
  long requests;
  long inputTokens;
  long outputTokens;
  long cacheReadTokens;
  long cacheWriteTokens;
  long cacheHits;
  long cacheSavingsNanoUsd;
  long unknownModelRequests;
  long errorRequests;
  long version;
  String sessionName;
  final Map<String, long[]> byPath = new TreeMap<>();

  /** Adds a contribution, or subtracts it when it is a retraction; either way one more update. */
  public CostTotals add(CostContribution c) {
    int sign = c.retraction() ? -1 : 1;
    dimension = c.dimension();
    value = c.value();
    costNanoUsd = Math.addExact(costNanoUsd, sign * c.costNanoUsd());
    requests += sign;
    inputTokens += sign * c.inputTokens();
    outputTokens += sign * c.outputTokens();
    cacheReadTokens += sign * c.cacheReadTokens();
    cacheWriteTokens += sign * c.cacheWriteTokens();
    cacheHits += c.cacheHit() ? sign : 0;
    cacheSavingsNanoUsd += sign * c.cacheSavingsNanoUsd();
    unknownModelRequests += c.unknownModel() ? sign : 0;
    errorRequests += c.error() ? sign : 0;
    version++;
    if (c.sessionName() != null && !c.retraction()) {
      sessionName = c.sessionName();
    }
    if (c.dimension().equals(Dimension.SESSION.wire())) {
      String key = c.sessionPath() == null ? "" : c.sessionPath();
      long[] path = byPath.computeIfAbsent(key, p -> new long[2]);
      path[0] += sign * c.costNanoUsd();
      path[1] += sign;
      if (path[1] == 0 && path[0] == 0) {
        byPath.remove(key); // a path only a replaced revision had
      }
    }
    return this;
  }

  /** One contribution as a sum of contributions. */
  public static CostTotals of(CostContribution c) {
    return new CostTotals().add(c);
  }

  /**
   * Adds a sum of contributions ({@link #of}, merged): the same totals, version included, as adding each of its
   * contributions in turn.
   */
  public CostTotals merge(CostTotals sum) {
    dimension = sum.dimension;
    value = sum.value;
    costNanoUsd = Math.addExact(costNanoUsd, sum.costNanoUsd);
    requests += sum.requests;
    inputTokens += sum.inputTokens;
    outputTokens += sum.outputTokens;
    cacheReadTokens += sum.cacheReadTokens;
    cacheWriteTokens += sum.cacheWriteTokens;
    cacheHits += sum.cacheHits;
    cacheSavingsNanoUsd += sum.cacheSavingsNanoUsd;
    unknownModelRequests += sum.unknownModelRequests;
    errorRequests += sum.errorRequests;
    version += sum.version;
    if (sum.sessionName != null) {
      sessionName = sum.sessionName;
    }
    sum.byPath.forEach((key, v) -> {
      long[] path = byPath.computeIfAbsent(key, p -> new long[2]);
      path[0] += v[0];
      path[1] += v[1];
      if (path[1] == 0 && path[0] == 0) {
        byPath.remove(key);
      }
    });
    return this;
  }

  public String dimension() {
    return dimension;
  }

  public String value() {
    return value;
  }

  public long costNanoUsd() {
    return costNanoUsd;
  }

  public long requests() {
    return requests;
  }

  public long version() {
    return version;
  }

  /** The aggregate record of the README (without window fields, which the caller adds). */
  public ObjectNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("dimension", dimension);
    o.put("dimension_value", value);
    o.put("cost_nano_usd", costNanoUsd);
    o.put("requests", requests);
    o.put("input_tokens", inputTokens);
    o.put("output_tokens", outputTokens);
    o.put("cache_read_tokens", cacheReadTokens);
    o.put("cache_write_tokens", cacheWriteTokens);
    o.put("cache_hits", cacheHits);
    o.put("cache_savings_nano_usd", cacheSavingsNanoUsd);
    o.put("unknown_model_requests", unknownModelRequests);
    o.put("error_requests", errorRequests);
    o.put("version", version);
    if (dimension != null && dimension.equals(Dimension.SESSION.wire())) {
      o.put("session_name", sessionName);
      var paths = o.putArray("session_paths");
      byPath.forEach((path, v) -> paths.addObject().put("session_path", path).put("cost_nano_usd", v[0])
          .put("requests", v[1]));
    }
    return o;
  }

  public void write(DataOutput out) throws IOException {
    BinarySerde.writeString(out, dimension);
    BinarySerde.writeString(out, value);
    for (long n : new long[] {costNanoUsd, requests, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
        cacheHits, cacheSavingsNanoUsd, unknownModelRequests, errorRequests, version}) {
      out.writeLong(n);
    }
    BinarySerde.writeString(out, sessionName);
    out.writeInt(byPath.size());
    for (Map.Entry<String, long[]> p : byPath.entrySet()) {
      BinarySerde.writeString(out, p.getKey());
      out.writeLong(p.getValue()[0]);
      out.writeLong(p.getValue()[1]);
    }
  }

  public static CostTotals read(DataInput in) throws IOException {
    CostTotals t = new CostTotals();
    t.dimension = BinarySerde.readString(in);
    t.value = BinarySerde.readString(in);
    t.costNanoUsd = in.readLong();
    t.requests = in.readLong();
    t.inputTokens = in.readLong();
    t.outputTokens = in.readLong();
    t.cacheReadTokens = in.readLong();
    t.cacheWriteTokens = in.readLong();
    t.cacheHits = in.readLong();
    t.cacheSavingsNanoUsd = in.readLong();
    t.unknownModelRequests = in.readLong();
    t.errorRequests = in.readLong();
    t.version = in.readLong();
    t.sessionName = BinarySerde.readString(in);
    int paths = in.readInt();
    for (int i = 0; i < paths; i++) {
      t.byPath.put(BinarySerde.readString(in), new long[] {in.readLong(), in.readLong()});
    }
    return t;
  }

  /** Totals written as JSON by an earlier version: the aggregate record's own form. */
  public static CostTotals fromTree(JsonNode o) {
    CostTotals t = new CostTotals();
    t.dimension = o.path("dimension").asText(null);
    t.value = o.path("dimension_value").asText(null);
    t.costNanoUsd = o.path("cost_nano_usd").asLong();
    t.requests = o.path("requests").asLong();
    t.inputTokens = o.path("input_tokens").asLong();
    t.outputTokens = o.path("output_tokens").asLong();
    t.cacheReadTokens = o.path("cache_read_tokens").asLong();
    t.cacheWriteTokens = o.path("cache_write_tokens").asLong();
    t.cacheHits = o.path("cache_hits").asLong();
    t.cacheSavingsNanoUsd = o.path("cache_savings_nano_usd").asLong();
    t.unknownModelRequests = o.path("unknown_model_requests").asLong();
    t.errorRequests = o.path("error_requests").asLong();
    t.version = o.path("version").asLong();
    t.sessionName = o.hasNonNull("session_name") ? o.get("session_name").asText() : null;
    for (JsonNode p : o.path("session_paths")) {
      t.byPath.put(p.path("session_path").asText(), new long[] {p.path("cost_nano_usd").asLong(),
          p.path("requests").asLong()});
    }
    return t;
  }
}
