package dev.costpipe.notify;

import dev.costpipe.contracts.SecretKeys;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.contracts.Backoff;
import dev.costpipe.engine.json.Json;
import dev.costpipe.notify.NotifierConfig.ChannelConfig;
import dev.costpipe.notify.NotifierConfig.EmailConfig;
import dev.costpipe.notify.NotifierConfig.SlackConfig;
import dev.costpipe.notify.NotifierConfig.WebhookConfig;
import dev.costpipe.clickhouse.report.ReportFormat;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a rendered weekly report to one channel of a {@link NotifierConfig} ({@code costpipe report weekly
 * --send slack|email|webhook --notify-config FILE [--channel NAME]}).
 *
 * <ul>
 *   <li>Slack: {@code POST {"text": …}} with the text rendering in a code block (kept aligned; Markdown
 *       rendering when there is no text one), {@code &<>} escaped as Slack requires.</li>
 *   <li>Webhook: {@code POST} of the JSON rendering, signed exactly like alert webhooks
 *       ({@link WebhookSignature}), plus {@code X-Costpipe-Report: weekly} and {@code X-Costpipe-Report-Week}.
 *       There is no {@code X-Costpipe-Delivery-Id}: a report is sent on demand, not de-duplicated.</li>
 *   <li>Email: subject {@code costpipe weekly report <week>}, {@code multipart/alternative} with the text
 *       rendering as {@code text/plain} and the HTML rendering as {@code text/html}; starttls (required when
 *       on), ssl and auth as in {@link EmailChannel}.</li>
 * </ul>
 * Failures are retried as the channel's {@code retry} says (retryable ones only). Secrets are never put in
 * messages: URLs appear in their masked form only.
 */
public final class ReportSender {
  public static final String REPORT_HEADER = "X-Costpipe-Report";
  public static final String REPORT_WEEK_HEADER = "X-Costpipe-Report-Week";
  /** Slack's limit for {@code text} is 40,000 characters; leave room for the code fence. */
  private static final int SLACK_TEXT_MAX = 39_000;
  private static final Logger LOG = LoggerFactory.getLogger(ReportSender.class);

  private ReportSender() {}

  /**
   * Sends the report to the one channel of type {@code channelType} ({@code slack}, {@code email},
   * {@code webhook}); {@code channelNameOrNull} picks one when the config has several of that type.
   *
   * @param renderings the report rendered per format: Slack needs TEXT or MARKDOWN, webhook JSON, email TEXT
   *     and HTML
   * @throws IllegalArgumentException no such channel, an ambiguous choice, or a missing rendering
   * @throws DeliveryException the peer refused or could not be reached (after the channel's retries)
   */
  public static void send(NotifierConfig config, String channelType, String channelNameOrNull, String week,
      Map<ReportFormat, String> renderings) throws DeliveryException, InterruptedException {
    send(config, channelType, channelNameOrNull, week, renderings, () -> System.currentTimeMillis() / 1000);
  }

  static void send(NotifierConfig config, String channelType, String channelNameOrNull, String week,
      Map<ReportFormat, String> renderings, LongSupplier epochSeconds)
      throws DeliveryException, InterruptedException {
    ChannelConfig channel = pick(config, channelType, channelNameOrNull);
    Attempt attempt;
    if (channel instanceof SlackConfig s) {
      attempt = slack(s, renderings);
    } else if (channel instanceof WebhookConfig w) {
      attempt = webhook(w, week, require(renderings, ReportFormat.JSON, "webhook"), epochSeconds);
    } else {
      EmailConfig e = (EmailConfig) channel;
      attempt = email(e, week, require(renderings, ReportFormat.TEXT, "email"),
          require(renderings, ReportFormat.HTML, "email"));
    }
    NotifierConfig.Retry retry = channel.retry();
    Backoff.Attempts attempts = retry.backoff().attempts(retry.attempts(), LOG, Backoff.THREAD_SLEEP);
    while (true) {
      try {
        attempt.run();
        return;
      } catch (DeliveryException e) {
        if (!e.retryable() || attempts.isLast()) {
          throw e;
        }
        attempts.retryAfter("sending the report to " + channel.type() + " channel " + channel.name() + " failed",
            e.detail());
      }
    }
  }

  /** The channel to send to: the only one of the type, or the named one (which must be of that type). */
  public static ChannelConfig pick(NotifierConfig config, String channelType, String channelNameOrNull) {
    String type = channelType == null ? "" : channelType.strip().toLowerCase(Locale.ROOT);
    if (!List.of("slack", "email", "webhook").contains(type)) {
      throw new IllegalArgumentException("--send must be slack, email or webhook, got '" + channelType + "'");
    }
    List<ChannelConfig> ofType = config.channels().values().stream().filter(c -> c.type().equals(type)).toList();
    List<String> names = ofType.stream().map(ChannelConfig::name).toList();
    if (channelNameOrNull != null) {
      ChannelConfig named = config.channels().get(channelNameOrNull);
      if (named == null) {
        throw new IllegalArgumentException("the notifier config has no channel named '" + channelNameOrNull
            + "'" + (names.isEmpty() ? "" : "; its " + type + " channels: " + String.join(", ", names)));
      }
      if (!named.type().equals(type)) {
        throw new IllegalArgumentException("channel '" + channelNameOrNull + "' is of type " + named.type()
            + ", not " + type);
      }
      return named;
    }
    if (ofType.isEmpty()) {
      throw new IllegalArgumentException("the notifier config has no " + type + " channel (add one under "
          + "'channels:' with 'type: " + type + "')");
    }
    if (ofType.size() > 1) {
      throw new IllegalArgumentException("the notifier config has several " + type + " channels ("
          + String.join(", ", names) + "): pick one with --channel NAME");
    }
    return ofType.get(0);
  }

  /** Slack's message JSON: {@code {"text": "```<report>```"}}. */
  static String slackMessage(Map<ReportFormat, String> renderings) {
    String text = renderings.get(ReportFormat.TEXT);
    String body;
    if (text != null) {
      body = "```\n" + truncate(text.strip()) + "\n```";
    } else {
      body = truncate(require(renderings, ReportFormat.MARKDOWN, "slack (text or markdown)").strip());
    }
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("text", SlackChannel.escape(body));
    return m.toString();
  }

  private interface Attempt {
    void run() throws DeliveryException, InterruptedException;
  }

  private static Attempt slack(SlackConfig c, Map<ReportFormat, String> renderings) {
    byte[] body = slackMessage(renderings).getBytes(StandardCharsets.UTF_8);
    String target = SecretKeys.maskUrl(c.url().reveal());
    return () -> HttpPost.post(URI.create(c.url().reveal()), target, body, Map.of(), c.timeout());
  }

  private static Attempt webhook(WebhookConfig c, String week, String json, LongSupplier epochSeconds) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String target = SecretKeys.maskUrl(c.url().toString());
    return () -> {
      String timestamp = Long.toString(epochSeconds.getAsLong());
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(WebhookSignature.TIMESTAMP_HEADER, timestamp);
      headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(c.secret().bytes(), timestamp, body));
      headers.put(REPORT_HEADER, "weekly");
      headers.put(REPORT_WEEK_HEADER, clean(week));
      HttpPost.post(c.url(), target, body, headers, c.timeout());
    };
  }

  private static Attempt email(EmailConfig c, String week, String text, String html) {
    String protocol = c.ssl() ? "smtps" : "smtp";
    String where = c.host() + ":" + c.port();
    return () -> {
      Session session = Session.getInstance(EmailChannel.smtpProperties(c, protocol));
      MimeMessage msg = new MimeMessage(session);
      try {
        msg.setFrom(new InternetAddress(c.from(), true));
        msg.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", c.to()), true));
        msg.setSubject("costpipe weekly report " + clean(week), "UTF-8");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8", "plain");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        msg.setContent(new MimeMultipart("alternative", plain, rich));
        msg.setSentDate(new java.util.Date());
        msg.setHeader(REPORT_HEADER, "weekly");
        msg.saveChanges();
      } catch (MessagingException e) {
        throw new DeliveryException("smtp_error", "cannot build the message: " + oneLine(e.getMessage()), false,
            null, e);
      }
      try (Transport t = session.getTransport(protocol)) {
        t.connect(c.host(), c.port(), c.username(), c.password() == null ? null : c.password().reveal());
        t.sendMessage(msg, msg.getAllRecipients());
      } catch (AuthenticationFailedException e) {
        throw new DeliveryException("smtp_auth", "SMTP authentication refused by " + where + ": "
            + oneLine(e.getMessage()), false, null, e);
      } catch (MessagingException e) {
        String m = oneLine(e.getMessage());
        boolean tls = m.contains("STARTTLS");
        throw new DeliveryException(tls ? "smtp_tls" : "smtp_error", "SMTP " + where + ": " + m, !tls, null, e);
      }
    };
  }

  private static String require(Map<ReportFormat, String> renderings, ReportFormat format, String forWhat) {
    String s = renderings.get(format);
    if (s == null) {
      throw new IllegalArgumentException("sending the report to " + forWhat + " needs its "
          + format.name().toLowerCase(Locale.ROOT) + " rendering");
    }
    return s;
  }

  private static String truncate(String s) {
    return s.length() <= SLACK_TEXT_MAX ? s : s.substring(0, SLACK_TEXT_MAX) + "\n… (truncated)";
  }

  private static String clean(String s) {
    return s == null ? "" : s.replaceAll("\\p{Cntrl}+", " ").strip();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }
}
