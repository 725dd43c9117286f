package dev.costpipe.notify;

import dev.costpipe.contracts.SecretKeys;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.notify.NotifierConfig.SlackConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Slack incoming webhook: {@code POST} of Slack's message JSON, a {@code text} fallback (notifications,
 * clients without blocks) and {@code blocks}: a header, the rule, level, spent / budget and window as
 * fields, and when it crossed. Slack answers {@code 200 ok}; its errors ({@code 400 invalid_payload},
 * {@code 403}, {@code 404 no_service}, {@code 410 channel_is_archived}) are not retried, {@code 429} and
 * {@code 5xx} are.
 */
public final class SlackChannel implements Channel {
  private static final int HEADER_MAX = 150;

  private final SlackConfig config;
  private final URI url;

  public SlackChannel(SlackConfig config) {
    this.config = config;
    this.url = URI.create(config.url().reveal());
  }

  @Override
  public SlackConfig config() {
    return config;
  }

  @Override
  public String target() {
    return SecretKeys.maskUrl(config.url().reveal());
  }

  @Override
  public void send(AlertEvent alert, DeliveryKey key) throws DeliveryException, InterruptedException {
    HttpPost.post(url, target(), message(alert).getBytes(StandardCharsets.UTF_8), Map.of(), config.timeout());
  }

  /** The message JSON for one alert. */
  public static String message(AlertEvent a) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("text", escape("Budget alert: " + a.summary()));
    ArrayNode blocks = m.putArray("blocks");

    String header = ":rotating_light: Budget alert: " + a.ruleNameFor() + " at " + a.levelPct() + "%";
    ObjectNode h = blocks.addObject().put("type", "header");
    h.putObject("text").put("type", "plain_text").put("text", truncate(header, HEADER_MAX)).put("emoji", true);

    ObjectNode section = blocks.addObject().put("type", "section");
    ArrayNode fields = section.putArray("fields");
    field(fields, "*Rule*\n" + escape(a.ruleName()) + " (`" + escape(a.ruleId()) + "`)"
        + (a.perLabel() == null ? "" : "\nfor " + escape(a.perLabel())));
    field(fields, "*Level*\n" + a.levelPct() + "% of budget" + (a.usedPct() == null ? "" : " (now " + a.usedPct()
        + ")"));
    field(fields, "*Spent / budget*\n" + escape(a.amount(a.spent())) + " / " + escape(a.amount(a.budget()))
        + (a.partialNote() == null ? "" : "\n_" + a.partialNote() + "_"));
    field(fields, "*Window*\n" + a.windowLabel() + ": " + a.windowStart()
        + (a.windowEnd() == null ? "" : " – " + a.windowEnd()));

    StringBuilder ctx = new StringBuilder();
    if (a.crossedAt() != null) {
      ctx.append("crossed at ").append(escape(a.crossedAt()));
    }
    if (a.lastRequestId() != null) {
      ctx.append(ctx.length() > 0 ? " · " : "").append("last request `").append(escape(a.lastRequestId()))
          .append('`');
    }
    if (ctx.length() > 0) {
      ObjectNode c = blocks.addObject().put("type", "context");
      c.putArray("elements").addObject().put("type", "mrkdwn").put("text", ctx.toString());
    }
    return m.toString();
  }

  private static void field(ArrayNode fields, String text) {
    fields.addObject().put("type", "mrkdwn").put("text", text);
  }

  /** Slack's mrkdwn control characters: {@code &}, {@code <}, {@code >} must be escaped. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
