package dev.costpipe.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.costpipe.topology.alert.AlertRule;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The email channel against a real SMTP server (GreenMail) that requires and checks SMTP AUTH. */
class NotifierEmailTest {
  private static final String PASSWORD = "smtp-pw-for-tests";

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("costpipe@example.com", "costpipe", PASSWORD));

  private static final AlertRule RULE = Alerts.rule("""
      {"id":"prod-daily","name":"Production daily","metric":"cost","budget_usd":100,"window":"1d",
       "levels":[50,80,95,100],"channels":["finance-email"]}""");
  private static final Instant AT = Instant.parse("2026-06-01T13:05:00Z");

  @Test
  void deliversSubjectAndPlainTextBodyWithTheNumbers() throws Exception {
    AlertEvent alert = Alerts.parsed(Alerts.event(RULE, 80, 80_123_456_789L, AT, "req-42"));
    DeliveryKey key = DeliveryKey.of(alert, "finance-email");
    EmailChannel email = new EmailChannel(config(false, PASSWORD, SMTP.getSmtp().getPort()));

    email.send(alert, key);

    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).hasSize(2); // one per recipient mailbox
    MimeMessage m = received[0];
    assertThat(m.getSubject())
        .isEqualTo("[costpipe] Production daily: 80% of budget reached ($80.12 of $100.00, 1d window)");
    assertThat(m.getFrom()[0].toString()).isEqualTo("costpipe@example.com");
    assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
        .containsExactly("finance@example.com", "cfo@example.com");
    assertThat(m.getHeader("X-Costpipe-Delivery-Id")[0]).isEqualTo(key.id());
    assertThat(m.getContentType()).startsWith("text/plain");
    String body = GreenMailUtil.getBody(m).replace("\r\n", "\n");
    assertThat(body)
        .contains("Production daily reached 80% of its budget.")
        .contains("Rule:         Production daily (prod-daily)")
        .contains("Level:        80% of the budget")
        .contains("Spent:        $80.12  (80.123456789 USD)")
        .contains("Budget:       $100.00  (100 USD)")
        .contains("Used:         80.1%")
        .contains("Window:       1d, 2026-06-01T00:00:00Z to 2026-06-02T00:00:00Z (UTC)")
        .contains("Crossed at:   2026-06-01T13:05:00Z")
        .contains("Last request: req-42");
  }

  @Test
  void refusedCredentialsAreReportedNotRetried() {
    AlertEvent alert = Alerts.parsed(Alerts.event(RULE, 50, 50_000_000_000L, AT, "r"));
    EmailChannel email = new EmailChannel(config(false, "wrong-password", SMTP.getSmtp().getPort()));

    DeliveryException e = catchThrowableOfType(DeliveryException.class,
        () -> email.send(alert, DeliveryKey.of(alert, "finance-email")));

    assertThat(e.reason()).isEqualTo("smtp_auth");
    assertThat(e.retryable()).isFalse();
    assertThat(e.detail()).contains("535").doesNotContain("wrong-password");
    assertThat(SMTP.getReceivedMessages()).isEmpty();
  }

  @Test
  void starttlsIsRequiredNeverAPlainTextFallBack() {
    // GreenMail's SMTP does not offer STARTTLS: with starttls: true the password must not be sent in clear
    AlertEvent alert = Alerts.parsed(Alerts.event(RULE, 50, 50_000_000_000L, AT, "r"));
    EmailChannel email = new EmailChannel(config(true, PASSWORD, SMTP.getSmtp().getPort()));

    DeliveryException e = catchThrowableOfType(DeliveryException.class,
        () -> email.send(alert, DeliveryKey.of(alert, "finance-email")));

    assertThat(e.reason()).isEqualTo("smtp_tls");
    assertThat(e.detail()).contains("STARTTLS");
    assertThat(SMTP.getReceivedMessages()).isEmpty();
  }

  @Test
  void anUnreachableServerIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    AlertEvent alert = Alerts.parsed(Alerts.event(RULE, 50, 50_000_000_000L, AT, "r"));
    DeliveryException e = catchThrowableOfType(DeliveryException.class,
        () -> new EmailChannel(config(false, PASSWORD, closedPort)).send(alert, DeliveryKey.of(alert, "m")));
    assertThat(e.retryable()).isTrue();
    assertThat(e.detail()).contains("127.0.0.1:" + closedPort).doesNotContain(PASSWORD);
  }

  static NotifierConfig.EmailConfig config(boolean starttls, String password, int port) {
    String yaml = """
        channels:
          finance-email:
            type: email
            host: 127.0.0.1
            port: %d
            starttls: %s
            username: costpipe
            password_env: SMTP_PASSWORD
            from: costpipe@example.com
            to: [finance@example.com, cfo@example.com]
            timeout: 5s
        """.formatted(port, starttls);
    return (NotifierConfig.EmailConfig) NotifierConfig.parse(yaml, false, null,
        Map.of("SMTP_PASSWORD", password)::get).channels().get("finance-email");
  }
}
