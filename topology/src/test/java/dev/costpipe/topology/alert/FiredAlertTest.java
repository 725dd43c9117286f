package dev.costpipe.topology.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.serde.OutputFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class FiredAlertTest {
  private static final Serde<FiredAlert> JSON = OutputFormat.from(new Properties()).firedAlerts();

  private static FiredAlert fired(String rule, long spent) {
    AlertRule r = AlertRule.parse(rule.getBytes(StandardCharsets.UTF_8));
    Instant start = r.window().startOf(Instant.parse("2026-06-01T10:25:00Z"));
    return FiredAlert.of(r, 100, spent, start, start.plus(r.window().length()), Instant.parse("2026-06-01T10:25:00Z"),
        "r3", null);
  }

  @Test
  void aRequestsAlertWithoutChannelsKeepsEveryFieldThroughItsJson() {
    FiredAlert calls = fired("{\"id\":\"calls\",\"metric\":\"requests\",\"budget_count\":2,\"window\":\"1h\"}", 2);
    byte[] json = JSON.serializer().serialize("t", calls);
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"budget\":2,\"spent\":2,")
        .doesNotContain("channels");
    assertThat(JSON.deserializer().deserialize("t", json)).isEqualTo(calls);
  }

  @Test
  void aCostAlertKeepsItsNanoUsdThroughTheDecimalUsdOfItsJson() {
    FiredAlert cost = fired("{\"id\":\"tiny\",\"budget_usd\":0.000000001,\"channels\":[{\"type\":\"slack\"}]}", 3);
    byte[] json = JSON.serializer().serialize("t", cost);
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"budget\":1E-9,\"spent\":3E-9,");
    assertThat(JSON.deserializer().deserialize("t", json)).isEqualTo(cost);
  }
}
