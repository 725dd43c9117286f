package dev.costpipe.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.costpipe.engine.json.Json;
import dev.costpipe.clickhouse.report.ReportFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ReportSender} against real peers: a recording HTTP server and GreenMail with SMTP AUTH. */
class ReportSenderTest {
  private static final String SECRET = "report-hook-secret";
  private static final String PASSWORD = "smtp-pw-for-report-tests";
  private static final String WEEK = "2026-W23";
  private static final String TEXT = "Weekly cost report 2026-W23\n\nTotal   $1,234.56  (+12.0% vs last week)\nA&B <x>\n";
  private static final String MARKDOWN = "# Weekly cost report 2026-W23\n\n**Total**: $1,234.56\n";
  private static final String JSON = "{\"week\":\"2026-W23\",\"total\":{\"cost_usd\":\"1234.56\"}}";
  private static final String HTML = "<html><body><h1>Weekly cost report 2026-W23</h1></body></html>";
  private static final Map<ReportFormat, String> RENDERINGS = Map.of(ReportFormat.TEXT, TEXT,
      ReportFormat.MARKDOWN, MARKDOWN, ReportFormat.JSON, JSON, ReportFormat.HTML, HTML);

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("costpipe@example.com", "costpipe", PASSWORD));

  @Test
  void slackReceivesTheTextReport() throws Exception {
    try (RecordingHttpServer http = RecordingHttpServer.start(SECRET)) {
      NotifierConfig config = config(http, "only-slack");

      ReportSender.send(config, "slack", null, WEEK, RENDERINGS);

      assertThat(http.accepted("/slack")).hasSize(1);
      RecordingHttpServer.Call call = http.calls("/slack").get(0);
      assertThat(call.header("Content-Type")).startsWith("application/json");
      JsonNode msg = Json.MAPPER.readTree(call.body());
      assertThat(msg.get("text").asText())
          .startsWith("```\nWeekly cost report 2026-W23")
          .contains("Total   $1,234.56  (+12.0% vs last week)")
          .contains("A&amp;B &lt;x&gt;")
          .endsWith("```");
    }
  }

  @Test
  void webhookReceivesTheJsonWithAValidSignature() throws Exception {
    try (RecordingHttpServer http = RecordingHttpServer.start(SECRET)) {
      NotifierConfig config = config(http, "all");

      ReportSender.send(config, "webhook", null, WEEK, RENDERINGS);

      assertThat(http.calls("/hook")).hasSize(1);
      RecordingHttpServer.Call call = http.calls("/hook").get(0);
      assertThat(call.signatureValid()).isTrue();
      assertThat(call.status()).isEqualTo(200);
      assertThat(call.bodyText()).isEqualTo(JSON);
      assertThat(call.header(ReportSender.REPORT_HEADER)).isEqualTo("weekly");
      assertThat(call.header(ReportSender.REPORT_WEEK_HEADER)).isEqualTo(WEEK);
    }
  }

  @Test
  void emailArrivesWithPlainTextAndHtmlParts() throws Exception {
    try (RecordingHttpServer http = RecordingHttpServer.start(SECRET)) {
      ReportSender.send(config(http, "all"), "email", null, WEEK, RENDERINGS);
    }

    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage m = received[0];
    assertThat(m.getSubject()).isEqualTo("costpipe weekly report 2026-W23");
    assertThat(m.getContentType()).startsWith("multipart/alternative");
    MimeMultipart mp = (MimeMultipart) m.getContent();
    assertThat(mp.getCount()).isEqualTo(2);
    assertThat(mp.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(GreenMailUtil.getBody(mp.getBodyPart(0)).replace("\r\n", "\n"))
        .contains("Total   $1,234.56  (+12.0% vs last week)");
    assertThat(mp.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(GreenMailUtil.getBody(mp.getBodyPart(1))).contains("<h1>Weekly cost report 2026-W23</h1>");
  }

  @Test
  void aMissingChannelTypeIsAClearError() {
    try (RecordingHttpServer http = RecordingHttpServer.start(SECRET)) {
      NotifierConfig config = config(http, "only-slack");
      assertThatThrownBy(() -> ReportSender.send(config, "email", null, WEEK, RENDERINGS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no email channel");
      assertThatThrownBy(() -> ReportSender.send(config, "webhook", null, WEEK, RENDERINGS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no webhook channel");
      assertThat(http.calls("/slack")).isEmpty();
    }
  }

  @Test
  void severalChannelsOfTheTypeNeedAName() throws Exception {
    try (RecordingHttpServer http = RecordingHttpServer.start(SECRET)) {
      NotifierConfig config = config(http, "all");
      assertThatThrownBy(() -> ReportSender.send(config, "slack", null, WEEK, RENDERINGS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ops-slack, finance-slack")
          .hasMessageContaining("--channel");
      assertThatThrownBy(() -> ReportSender.send(config, "slack", "audit-hook", WEEK, RENDERINGS))
          .hasMessageContaining("is of type webhook");

      ReportSender.send(config, "slack", "finance-slack", WEEK, RENDERINGS);

      assertThat(http.accepted("/slack2")).hasSize(1);
      assertThat(http.calls("/slack")).isEmpty();
    }
  }

  private static NotifierConfig config(RecordingHttpServer http, String which) {
    String yaml = which.equals("only-slack") ? """
        channels:
          ops-slack: {type: slack, url: "%s"}
        """.formatted(http.url("/slack")) : """
        channels:
          ops-slack: {type: slack, url: "%s"}
          finance-slack: {type: slack, url: "%s"}
          audit-hook: {type: webhook, url: "%s", secret_env: HOOK_SECRET}
          finance-email:
            type: email
            host: 127.0.0.1
            port: %d
            username: costpipe
            password_env: SMTP_PASSWORD
            from: costpipe@example.com
            to: [finance@example.com]
            timeout: 5s
        """.formatted(http.url("/slack"), http.url("/slack2"), http.url("/hook"), SMTP.getSmtp().getPort());
    return NotifierConfig.parse(yaml, false, null,
        Map.of("HOOK_SECRET", SECRET, "SMTP_PASSWORD", PASSWORD)::get);
  }
}
