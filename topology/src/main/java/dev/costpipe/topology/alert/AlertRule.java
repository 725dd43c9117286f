package dev.costpipe.topology.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Cost;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.aggregate.Dimension;
import dev.costpipe.topology.aggregate.DimensionSplit;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A budget alert rule, the value format of {@code llm.alert-rules}:
 * {@code {id, name, metric: cost|requests, budget_usd | budget_count, window: 1h|1d|7d|30d,
 * levels: [50,80,95,100], filter: {properties: {…}, user_id, model, provider, session_name},
 * per: user_id | session_id | model | provider | properties.<name>, channels: [...]}}. The budget is kept in the
 * metric's unit: nano-USD for cost, requests for requests. With {@code per} ({@link AlertPer}) the budget, levels
 * and alerts are each key's of that dimension; {@code per} is null otherwise.
 */
public record AlertRule(String id, String name, Metric metric, long budget, AlertWindow window, List<Integer> levels,
    Map<String, String> properties, String userId, String model, String provider, String sessionName, AlertPer per,
    JsonNode json) {

  public enum Metric {
    COST, REQUESTS;

    /** How the metric is named in rules and alert events: cost or requests. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Metric fromWire(String s) {
      return switch (s) {
        case "cost" -> COST;
        case "requests" -> REQUESTS;
        default -> throw new IllegalArgumentException("metric must be cost or requests, got '" + s + "'");
      };
    }

    /** An amount of this metric (nano-USD or requests) in the unit users read: USD (exact decimal) or a count. */
    public JsonNode inUnit(long amount) {
      return this == COST ? Json.MAPPER.getNodeFactory().numberNode(BigDecimal.valueOf(amount, 9))
          : Json.MAPPER.getNodeFactory().numberNode(amount);
    }

    /** The amount {@link #inUnit} wrote. */
    public long fromUnit(JsonNode n) {
      return this == COST ? Cost.toNano(n.decimalValue()) : n.longValue();
    }
  }

  public static AlertRule parse(byte[] bytes) {
    try {
      return fromTree(Json.MAPPER.readTree(bytes));
    } catch (IOException e) {
      throw new IllegalArgumentException("alert rule is not JSON: " + e.getMessage());
    }
  }

  public static AlertRule fromTree(JsonNode o) {
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("alert rule must be a JSON object");
    }
    String id = required(o, "id");
    Metric metric = Metric.fromWire(o.path("metric").asText("cost"));
    long budget;
    if (metric == Metric.COST) {
      JsonNode usd = o.get("budget_usd");
      if (usd == null || !usd.isNumber() || usd.decimalValue().signum() <= 0) {
        throw new IllegalArgumentException("a cost rule needs budget_usd > 0");
      }
      budget = Cost.toNano(usd.decimalValue());
    } else {
      JsonNode count = o.get("budget_count");
      if (count == null || !count.canConvertToLong() || count.asLong() <= 0) {
        throw new IllegalArgumentException("a requests rule needs budget_count > 0");
      }
      budget = count.asLong();
    }
    List<Integer> levels = new ArrayList<>();
    JsonNode lv = o.get("levels");
    if (lv == null || lv.isNull()) {
      levels.addAll(List.of(50, 80, 95, 100));
    } else {
      for (JsonNode l : lv) {
        if (!l.canConvertToInt() || l.asInt() <= 0) {
          throw new IllegalArgumentException("levels must be positive percentages");
        }
        levels.add(l.asInt());
      }
    }
    levels = levels.stream().distinct().sorted().toList();
    JsonNode f = o.path("filter");
    Map<String, String> props = new LinkedHashMap<>();
    f.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
    return new AlertRule(id, o.path("name").asText(id), metric, budget,
        AlertWindow.fromWire(o.path("window").asText("1d")), levels, props, text(f, "user_id"), text(f, "model"),
        text(f, "provider"), text(f, "session_name"), o.hasNonNull("per") ? AlertPer.fromWire(o.get("per").asText())
        : null, o);
  }

  /** Whether a cost record falls under this rule's filter (and, with {@code per}, has a value to count under). */
  public boolean matches(CostRecord r) {
    if (per != null && per.valueOf(r) == null) {
      return false;
    }
    for (var p : properties.entrySet()) {
      if (!p.getValue().equals(r.properties().get(p.getKey()))) {
        return false;
      }
    }
    return (userId == null || userId.equals(r.userId()))
        && (model == null || model.equals(r.model()) || model.equals(r.modelKey()))
        && (provider == null || provider.equals(r.provider()))
        && (sessionName == null || sessionName.equals(r.sessionName()));
  }

  /** What a matching record adds to the spend: its cost in nano-USD, or one request. */
  public long amount(CostRecord r) {
    return metric == Metric.REQUESTS ? 1 : r.costNanoUsd() == null ? 0 : r.costNanoUsd();
  }

  /**
   * What the rule's spend is counted by: metric, window and filter. A rule put again with the same basis (a new
   * budget, levels, name or channels) keeps its windows' spend and fired levels; a new basis starts them again.
   */
  public String basis() {
    return metric.wire() + '|' + window.wire() + '|' + new TreeMap<>(properties) + '|' + userId + '|' + model + '|'
        + provider + '|' + sessionName + (per == null ? "" : "|per " + per.wire());
  }

  /**
   * The key of the aggregate whose totals are exactly this rule's spend ({@link DimensionSplit#key}), or null when
   * none is: the filter names one user, one provider or one property (no filter: the total), and nothing else.
   * A model filter is not enough: the model aggregate is keyed by the catalogue's model key, and a rule's model
   * may be a raw model name. A rule with {@code per} has one per key ({@link #perAggregates}), not this one.
   * Whether the aggregate is kept for the rule's window size is the caller's to check.
   */
  public String aggregateKey() {
    if (per != null || model != null || sessionName != null) {
      return null;
    }
    int named = properties.size() + (userId == null ? 0 : 1) + (provider == null ? 0 : 1);
    if (named == 0) {
      return DimensionSplit.key(Dimension.TOTAL, "all");
    }
    if (named > 1) {
      return null;
    }
    if (userId != null) {
      return DimensionSplit.key(Dimension.USER, userId);
    }
    if (provider != null) {
      return DimensionSplit.key(Dimension.PROVIDER, provider);
    }
    var p = properties.entrySet().iterator().next();
    return DimensionSplit.key(Dimension.PROPERTY, p.getKey() + "=" + p.getValue());
  }

  /** Whether the aggregates of {@code per}'s dimension hold each key's spend: the rule has no other filter. */
  public boolean perAggregates() {
    return per != null && properties.isEmpty() && userId == null && model == null && provider == null
        && sessionName == null;
  }

  /** The key the rule counts {@code r} under: its {@code per} value, or null for a rule without {@code per}. */
  public String perValue(CostRecord r) {
    return per == null ? null : per.valueOf(r);
  }

  /** The budget or a spend in the rule's unit: USD (exact decimal) or a count. */
  public JsonNode inUnit(long amount) {
    return metric.inUnit(amount);
  }

  public ObjectNode toTree() {
    return (ObjectNode) json.deepCopy();
  }

  private static String required(JsonNode o, String f) {
    String v = text(o, f);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("alert rule needs " + f);
    }
    return v;
  }

  private static String text(JsonNode o, String f) {
    return o.hasNonNull(f) ? o.get(f).asText() : null;
  }
}
