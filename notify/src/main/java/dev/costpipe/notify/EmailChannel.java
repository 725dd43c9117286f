package dev.costpipe.notify;

import dev.costpipe.notify.NotifierConfig.EmailConfig;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Email over SMTP (Jakarta Mail): a plain-text message with the numbers. {@code starttls: true} makes
 * STARTTLS required (a server that does not offer it is an error, never a silent fall-back to plain text
 * with the password); {@code ssl: true} is implicit TLS (SMTPS). Server identity is checked in both.
 * Refused credentials and 5xx replies are reported at once; 4xx replies and connection errors are retried.
 */
public final class EmailChannel implements Channel {
  private final EmailConfig config;
  private final Session session;
  private final String protocol;

  public EmailChannel(EmailConfig config) {
    this.config = config;
    this.protocol = config.ssl() ? "smtps" : "smtp";
    this.session = Session.getInstance(smtpProperties(config, protocol));
  }

  /** Session settings for SMTP or SMTPS: STARTTLS required when on (never a plain-text fallback), server identity checked. */
  static Properties smtpProperties(EmailConfig c, String protocol) {
    Properties p = new Properties();
    String pre = "mail." + protocol + ".";
    p.setProperty("mail.transport.protocol", protocol);
    p.setProperty(pre + "host", c.host());
    p.setProperty(pre + "port", Integer.toString(c.port()));
    p.setProperty(pre + "auth", Boolean.toString(c.username() != null));
    String ms = Long.toString(c.timeout().toMillis());
    p.setProperty(pre + "connectiontimeout", ms);
    p.setProperty(pre + "timeout", ms);
    p.setProperty(pre + "writetimeout", ms);
    if (c.starttls()) {
      p.setProperty(pre + "starttls.enable", "true");
      p.setProperty(pre + "starttls.required", "true");
    }
    p.setProperty(pre + "ssl.checkserveridentity", "true");
    return p;
  }

  @Override
  public EmailConfig config() {
    return config;
  }

  @Override
  public String target() {
    return protocol + "://" + config.host() + ":" + config.port() + " → " + config.to();
  }

  @Override
  public void send(AlertEvent alert, DeliveryKey key) throws DeliveryException {
    MimeMessage msg = new MimeMessage(session);
    try {
      msg.setFrom(new InternetAddress(config.from(), true));
      msg.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", config.to()), true));
      msg.setSubject(subject(alert), "UTF-8");
      msg.setText(body(alert), "UTF-8");
      msg.setSentDate(new Date());
      msg.setHeader("X-Costpipe-Delivery-Id", key.id());
      msg.saveChanges();
    } catch (AddressException e) {
      throw new DeliveryException("smtp_address", "invalid address: " + e.getMessage(), false, null, e);
    } catch (MessagingException e) {
      throw new DeliveryException("smtp_error", "cannot build the message: " + e.getMessage(), false, null, e);
    }
    try (Transport t = session.getTransport(protocol)) {
      t.connect(config.host(), config.port(), config.username(),
          config.password() == null ? null : config.password().reveal());
      t.sendMessage(msg, msg.getAllRecipients());
    } catch (AuthenticationFailedException e) {
      throw new DeliveryException("smtp_auth", "SMTP authentication refused by " + config.host() + ":"
          + config.port() + ": " + oneLine(e.getMessage()), false, null, e);
    } catch (MessagingException e) {
      throw classify(e);
    }
  }

  private DeliveryException classify(MessagingException e) {
    String where = config.host() + ":" + config.port();
    // the reply code may sit on a nested exception (a SendFailedException wraps per-address failures)
    for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
      int code = x instanceof SMTPSendFailedException s ? s.getReturnCode()
          : x instanceof SMTPAddressFailedException a ? a.getReturnCode()
          : x instanceof SMTPSenderFailedException f ? f.getReturnCode()
          : -1;
      if (code > 0) {
        return new DeliveryException("smtp_error", "SMTP " + where + " replied " + code + ": "
            + oneLine(x.getMessage()), code < 500, code, e);
      }
      if (x instanceof IOException io) {
        return new DeliveryException("smtp_error", "cannot talk to SMTP " + where + ": " + io.getClass().getSimpleName()
            + (io.getMessage() == null ? "" : ": " + oneLine(io.getMessage())), true, null, e);
      }
    }
    String msg = oneLine(e.getMessage());
    if (msg.contains("STARTTLS")) {
      return new DeliveryException("smtp_tls", "SMTP " + where + ": " + msg, false, null, e);
    }
    return new DeliveryException("smtp_error", "SMTP " + where + ": " + msg, true, null, e);
  }

  /**
   * {@code [costpipe] Production daily: 80% of budget reached ($80.12 of $100.00, 1d window)}; for a rule added
   * mid-window {@code (…, 1d window, since 14:05 UTC (rule added mid-window))}.
   */
  public static String subject(AlertEvent a) {
    return "[costpipe] " + clean(a.ruleNameFor()) + ": " + a.levelPct() + "% of budget reached (" + a.amount(a.spent())
        + " of " + a.amount(a.budget()) + ", " + a.windowLabel() + " window"
        + (a.partialNote() == null ? "" : ", " + a.partialNote()) + ")";
  }

  /** The plain-text body: every number of the alert. */
  public static String body(AlertEvent a) {
    StringBuilder b = new StringBuilder();
    b.append("Budget alert from costpipe\n\n");
    b.append(a.ruleNameFor()).append(" reached ").append(a.levelPct()).append("% of its budget.\n\n");
    line(b, "Rule", a.ruleLabel());
    if (a.perLabel() != null) {
      line(b, "For", a.perLabel() + " (the rule's budget is each " + a.per() + "'s)");
    }
    line(b, "Level", a.levelPct() + "% of the budget");
    line(b, "Spent", a.amount(a.spent()) + "  (" + a.exactAmount(a.spent()) + ")");
    if (a.partialNote() != null) {
      line(b, "Counted", a.partialNote() + ": spend before is not included");
    }
    line(b, "Budget", a.amount(a.budget()) + "  (" + a.exactAmount(a.budget()) + ")");
    if (a.usedPct() != null) {
      line(b, "Used", a.usedPct());
    }
    line(b, "Window", a.windowLabel() + ", " + a.windowStart() + (a.windowEnd() == null ? "" : " to " + a.windowEnd())
        + " (UTC)");
    if (a.crossedAt() != null) {
      line(b, "Crossed at", a.crossedAt());
    }
    if (a.lastRequestId() != null) {
      line(b, "Last request", a.lastRequestId());
    }
    b.append("\n-- \ncostpipe notifier: one message per rule, window, level and channel.\n");
    return b.toString();
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format("%-14s%s", label + ":", value)).append('\n');
  }

  private static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}+", " ").strip();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }
}
