package dev.costpipe.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The pipeline on current server images: Apache Kafka 4.1 and ClickHouse 24.8 in Docker. The real topology
 * and sink (migrations, views, a few cost records) give, query for query, the rows ClickHouse 18.16 gives.
 */
@Testcontainers
class CurrentServerImagesTest {
  private static final String USER = "costpipe";
  private static final String PASSWORD = "costpipe-test";

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"));

  @Container
  static final GenericContainer<?> CLICKHOUSE = new GenericContainer<>(
      DockerImageName.parse("clickhouse/clickhouse-server:24.8"))
      .withEnv("CLICKHOUSE_USER", USER)
      .withEnv("CLICKHOUSE_PASSWORD", PASSWORD)
      .withExposedPorts(8123)
      .waitingFor(Wait.forHttp("/ping").forPort(8123).forStatusCode(200));

  @TempDir
  Path state;

  @Test
  void theViewsAndTablesHoldWhatClickHouse1816Holds() throws Exception {
    String url = "http://" + CLICKHOUSE.getHost() + ":" + CLICKHOUSE.getMappedPort(8123);
    Map<String, List<String>> results = PipelineScenario.run(KAFKA.getBootstrapServers(),
        new PipelineScenario.ClickHouse(url, USER, PASSWORD), state);

    Map<String, List<String>> expected = PipelineScenario.expectedOn1816();
    assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((query, rows) -> assertThat(results.get(query)).as(query).isEqualTo(rows));
    assertThat(results.get("request_costs")).hasSize(7);
  }
}
