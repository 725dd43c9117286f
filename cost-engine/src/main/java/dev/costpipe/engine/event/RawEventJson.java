package dev.costpipe.engine.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecordJson;

/**
 * A parsed event back in the envelope's JSON form (the chunk as the array of its payloads), such
 * that {@link RawEventParser#parse} reads it back equal: how merge state is stored.
 */
public final class RawEventJson {
  private RawEventJson() {}

  public static ObjectNode toTree(RawEvent e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("request_id", e.requestId());
    o.put("event_type", e.type().wire());
    if (e.seq() != null) {
      o.put("seq", e.seq());
    }
    if (e.timestamp() != null) {
      o.put("timestamp", e.timestamp().toString());
    }
    putIfSet(o, "provider", e.provider());
    putIfSet(o, "target_url", e.targetUrl());
    putIfSet(o, "model", e.model());
    if (!e.headers().isEmpty()) {
      ObjectNode h = o.putObject("headers");
      e.headers().forEach(h::put);
    }
    if (e.requestBody() != null) {
      o.set("request_body", e.requestBody());
    }
    if (e.responseBody() != null) {
      o.set("response_body", e.responseBody());
    }
    if (e.chunk() != null) {
      o.set("chunk", e.chunk());
    }
    if (e.status() != null) {
      o.put("status", e.status());
    }
    if (e.cacheHit() != null) {
      o.put("cache_hit", e.cacheHit());
    }
    if (e.usageReport() != null) {
      UsageReport r = e.usageReport();
      o.set("usage", CostRecordJson.usageTree(r.usage()));
      if (r.reportedCostUsd() != null) {
        o.put("reported_cost_usd", r.reportedCostUsd().toPlainString());
      }
      o.put("streamed", r.streamed());
      putIfSet(o, "source", r.source());
    }
    return o;
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }
}
