package dev.costpipe.contracts.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class EnvNamesTest {
  @Test
  void namesAreTheDocumentedOnes() {
    assertThat(EnvNames.of("costpipe.sink.clickhouse.retry-backoff-ms")).isEqualTo("COSTPIPE_SINK_CLICKHOUSE_RETRY__BACKOFF__MS");
    assertThat(EnvNames.of("bootstrap.servers")).isEqualTo("COSTPIPE_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(EnvNames.of("rack.aware.assignment.non_overlap_cost"))
        .isEqualTo("COSTPIPE_KAFKA_RACK_AWARE_ASSIGNMENT_NON___OVERLAP___COST");
    assertThat(EnvNames.keyOf("COSTPIPE_METRICS_PORT")).contains("costpipe.metrics.port");
    assertThat(EnvNames.keyOf("COSTPIPE_KAFKA_SASL_JAAS_CONFIG")).contains("sasl.jaas.config");
  }

  @Test
  void everySettingRoundTrips() {
    CostpipeSettings.all().forEach(s -> assertThat(EnvNames.keyOf(EnvNames.of(s.key()))).contains(s.key()));
    CostpipeSettings.all().stream().filter(s -> s.oldName() != null).map(s -> s.oldName().key())
        .forEach(k -> assertThat(EnvNames.keyOf(EnvNames.of(k))).contains(k));
    for (var names : java.util.List.of(StreamsConfig.configDef().names(), ConsumerConfig.configNames(),
        ProducerConfig.configNames())) {
      names.forEach(k -> assertThat(EnvNames.keyOf(EnvNames.of(k))).as(k).contains(k));
    }
  }

  @Test
  void malformedAndForeignNamesNameNoSetting() {
    assertThat(EnvNames.keyOf("PATH")).isEmpty();
    assertThat(EnvNames.keyOf("COSTPIPE_")).isEmpty();
    assertThat(EnvNames.keyOf("COSTPIPE_KAFKA_")).isEmpty();
    assertThat(EnvNames.keyOf("COSTPIPE_A____B")).isEmpty();
    assertThat(EnvNames.keyOf("COSTPIPE_A_")).isEmpty();
    assertThat(EnvNames.settings(Map.of("COSTPIPE_METRICS_PORT", "1", "HOME", "/root")))
        .isEqualTo(Map.of("costpipe.metrics.port", "COSTPIPE_METRICS_PORT"));
    assertThat(EnvNames.keyOf("COSTPIPE_KAFKA_ACKS")).isEqualTo(Optional.of("acks"));
  }
}
