package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The sink's settings as printed (startup log, config check): no credentials, also not in URLs. */
class ClickHouseSinkConfigTest {
  @Test
  void theTextFormMasksCredentialsInUrls() {
    Properties p = new Properties();
    p.setProperty("costpipe.sink.clickhouse.url", "http://default:ch-pass@clickhouse:8123");
    p.setProperty("schema.registry.url", "https://reader:sr-pass@registry:8081");
    String shown = ClickHouseSinkConfig.from(p).toString();
    assertThat(shown).doesNotContain("ch-pass", "sr-pass", "default:", "reader:")
        .contains("url=http://****@clickhouse:8123", "schema.registry.url=https://****@registry:8081");
  }
}
