package dev.costpipe.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Secrets and URL credentials are never shown. */
class SecretKeysTest {
  @Test
  void credentialsInAnyUrlOfAValueAreMasked() {
    assertThat(SecretKeys.shown("schema.registry.url", "http://alice:s3cret@registry:8081,https://bob@r2:8081/x"))
        .isEqualTo("http://****@registry:8081,https://****@r2:8081/x");
    assertThat(SecretKeys.shown("bootstrap.servers", "kafka:9092")).isEqualTo("kafka:9092");
    assertThat(SecretKeys.shown("sasl.jaas.config", "anything")).isEqualTo(SecretKeys.MASK);
    assertThat(SecretKeys.withoutUrlCredentials("could not reach http://u:p@h:1/a?b=c@d"))
        .isEqualTo("could not reach http://****@h:1/a?b=c@d");
  }

  @Test
  void aUrlPrintedOnItsOwnShowsSchemeHostAndPortOnly() {
    assertThat(SecretKeys.maskUrl("http://default:pw@clickhouse:8123")).isEqualTo("http://****@clickhouse:8123");
    assertThat(SecretKeys.maskUrl("https://hooks.example.com/services/T0/B0/token"))
        .isEqualTo("https://hooks.example.com/…");
    assertThat(SecretKeys.maskUrl("http://h:8123/?password=x")).isEqualTo("http://h:8123/…");
    assertThat(SecretKeys.maskUrl("not a url")).isEqualTo(SecretKeys.MASK);
    assertThat(SecretKeys.maskUrl(null)).isEqualTo(SecretKeys.MASK);
  }
}
