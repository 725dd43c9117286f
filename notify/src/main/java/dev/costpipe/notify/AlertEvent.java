package dev.costpipe.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One alert event of {@code llm.cost-alerts}, as {@code AlertThresholdStep} writes it:
 * {@code {"rule_id","rule_name","metric","level_pct","budget","spent","window_start","window_end","crossed_at",
 * "last_request_id","channels","partial_since"}} ({@code budget}/{@code spent} in USD for cost rules, counts for
 * request rules; {@code channels} only when the rule has them; {@code partial_since} only when the rule was put
 * mid-window and counts from then; {@code per} and {@code per_value} only for a rule with {@code per}: the key,
 * e.g. the user, whose own budget it is). {@link #raw()} keeps the record's exact bytes: the webhook
 * sends them unchanged.
 *
 * @param channels the channel names the rule gives, in order, without duplicates; empty when it gives none
 * @param invalidChannels channel entries that are not a name (not a string, or an object without
 *     {@code name}): reported as failures, never silently dropped
 */
public record AlertEvent(byte[] raw, String ruleId, String ruleName, String metric, int levelPct, BigDecimal budget,
    BigDecimal spent, Instant windowStart, Instant windowEnd, String crossedAt, String lastRequestId,
    Instant partialSince, String per, String perValue, List<String> channels, List<String> invalidChannels) {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** Parses a record value; {@link IllegalArgumentException} with the reason when it is not an alert event. */
  public static AlertEvent parse(byte[] raw) {
    if (raw == null) {
      throw new IllegalArgumentException("null value (a tombstone is not an alert)");
    }
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(raw);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: "
          + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("an alert event must be a JSON object");
    }
    String ruleId = text(o, "rule_id");
    if (ruleId == null || ruleId.isBlank()) {
      throw new IllegalArgumentException("rule_id is missing");
    }
    JsonNode level = o.get("level_pct");
    if (level == null || !level.canConvertToInt() || !level.isIntegralNumber()) {
      throw new IllegalArgumentException("level_pct is missing or not an integer");
    }
    Instant start = instant(o, "window_start", true);
    Instant end = instant(o, "window_end", false);
    List<String> channels = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    JsonNode ch = o.get("channels");
    if (ch != null && !ch.isNull()) {
      if (!ch.isArray()) {
        invalid.add(ch.toString());
      } else {
        for (JsonNode c : ch) {
          String name = c.isTextual() ? c.asText()
              : c.isObject() && c.path("name").isTextual() ? c.path("name").asText()
              : c.isObject() && c.path("channel").isTextual() ? c.path("channel").asText()
              : null;
          if (name == null || name.isBlank()) {
            invalid.add(c.toString());
          } else if (!channels.contains(name)) {
            channels.add(name);
          }
        }
      }
    }
    String name = text(o, "rule_name");
    return new AlertEvent(raw, ruleId, name == null || name.isBlank() ? ruleId : name,
        o.path("metric").asText("cost"), level.intValue(), decimal(o, "budget"), decimal(o, "spent"), start, end,
        text(o, "crossed_at"), text(o, "last_request_id"), instant(o, "partial_since", false), text(o, "per"),
        text(o, "per_value"), List.copyOf(channels), List.copyOf(invalid));
  }

  public boolean isCost() {
    return !"requests".equals(metric);
  }

  /** The window's size as the rules write it: {@code 1h}, {@code 1d}, {@code 7d}, {@code 30d}, else e.g. {@code 6h}. */
  public String windowLabel() {
    if (windowEnd == null) {
      return "window";
    }
    Duration d = Duration.between(windowStart, windowEnd);
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + "h";
    }
    return d.toMinutes() + "m";
  }

  /** {@code $80.12} for cost rules (to the cent; amounts under a cent in full), {@code 812 requests} otherwise. */
  public String amount(BigDecimal v) {
    if (v == null) {
      return "?";
    }
    if (!isCost()) {
      return v.stripTrailingZeros().toPlainString() + " requests";
    }
    BigDecimal cents = v.setScale(2, RoundingMode.HALF_EVEN);
    if (cents.signum() == 0 && v.signum() != 0) {
      return "$" + v.stripTrailingZeros().toPlainString();
    }
    return "$" + cents.toPlainString();
  }

  /** The exact amount: {@code 80.123456789 USD} or {@code 812 requests}. */
  public String exactAmount(BigDecimal v) {
    if (v == null) {
      return "?";
    }
    String n = v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    return isCost() ? n + " USD" : n + " requests";
  }

  /** spent / budget in percent, one decimal, or null when either is unknown. */
  public String usedPct() {
    if (spent == null || budget == null || budget.signum() == 0) {
      return null;
    }
    return spent.multiply(BigDecimal.valueOf(100)).divide(budget, 1, RoundingMode.HALF_EVEN).toPlainString() + "%";
  }

  /** {@code Production daily (prod-daily)}, or the id alone when the rule has no other name. */
  public String ruleLabel() {
    return ruleName.equals(ruleId) ? ruleId : ruleName + " (" + ruleId + ")";
  }

  /**
   * {@code since 14:05 UTC (rule added mid-window)} (with the date when not the window's first day) when the spend
   * is counted only from then; null when it is the whole window's.
   */
  public String partialNote() {
    if (partialSince == null) {
      return null;
    }
    boolean firstDay = partialSince.truncatedTo(ChronoUnit.DAYS).equals(windowStart.truncatedTo(ChronoUnit.DAYS));
    return "since " + (firstDay ? TIME : DAY_TIME).format(partialSince) + " UTC (rule added mid-window)";
  }

  /**
   * The key of a rule with {@code per} as people say it: {@code user alice} ({@code user_id}), {@code session s1},
   * {@code model gpt-4o}, {@code Team search} ({@code properties.Team}); null for a rule without.
   */
  public String perLabel() {
    if (perValue == null) {
      return null;
    }
    String dimension = per == null ? "key" : per.startsWith("properties.") ? per.substring("properties.".length())
        : per.endsWith("_id") ? per.substring(0, per.length() - 3) : per;
    return dimension + " " + perValue;
  }

  /** The rule's name, and for a rule with {@code per} whose key it is: {@code Each user daily for user alice}. */
  public String ruleNameFor() {
    return perValue == null ? ruleName : ruleName + " for " + perLabel();
  }

  /** One line: what crossed, how much of what, in which window (and since when, for a rule added mid-window). */
  public String summary() {
    return ruleNameFor() + " reached " + levelPct + "% of its budget: " + amount(spent) + " of " + amount(budget)
        + " (" + windowLabel() + " window from " + windowStart
        + (partialSince == null ? "" : "; spent " + partialNote()) + ")";
  }

  private static String text(JsonNode o, String f) {
    JsonNode n = o.get(f);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static BigDecimal decimal(JsonNode o, String f) {
    JsonNode n = o.get(f);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      return n.decimalValue();
    }
    if (n.isTextual()) {
      try {
        return new BigDecimal(n.asText().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(f + " is not a number");
      }
    }
    throw new IllegalArgumentException(f + " is not a number");
  }

  private static Instant instant(JsonNode o, String f, boolean required) {
    String t = text(o, f);
    if (t == null) {
      if (required) {
        throw new IllegalArgumentException(f + " is missing");
      }
      return null;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(f + " is not an ISO-8601 instant: " + t);
    }
  }
}
