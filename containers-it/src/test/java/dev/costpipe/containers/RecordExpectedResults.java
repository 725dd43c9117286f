package dev.costpipe.containers;

import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Records what ClickHouse 18.16 answers for {@link PipelineScenario} (the local KRaft test broker and the
 * Debian clickhouse-server 18.16), into {@value #RESOURCE}, which {@link CurrentServerImagesTest} compares
 * current images with. Not a test: run {@code containers-it/record-expected.sh} where clickhouse-server 18.16 is
 * installed when the scenario, the views or the tables change (docs/testing.md, "-Pcontainers").
 */
public final class RecordExpectedResults {
  static final String RESOURCE = "/expected-on-clickhouse-18.16.json";

  private RecordExpectedResults() {}

  public static void main(String[] args) throws Exception {
    Path state = Files.createTempDirectory("costpipe-scenario-state-");
    try (KafkaTestBroker broker = KafkaTestBroker.start(); ClickHouseTestServer clickHouse = ClickHouseTestServer.start()) {
      Map<String, List<String>> results = PipelineScenario.run(broker.bootstrapServers(),
          new PipelineScenario.ClickHouse(clickHouse.httpUrl(), "default", ""), state);
      Path out = Path.of("src/test/resources" + RESOURCE);
      Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
      System.out.println("wrote " + out + ": " + results.values().stream().mapToInt(List::size).sum() + " rows in "
          + results.size() + " queries");
    }
    System.exit(0);
  }
}
