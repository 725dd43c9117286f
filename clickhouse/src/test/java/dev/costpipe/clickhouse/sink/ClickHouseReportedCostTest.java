package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** On a real server (V006): a usage event's reported cost lands in reported_cost_nano_usd, NULL when none. */
class ClickHouseReportedCostTest {

  @Test
  void theReportedCostLandsBesideTheCostAndIsNullWithoutOne() throws Exception {
    ClickHouseTestServer server = ClickHouseTestServer.shared();
    Client client = server.client();
    String db = TestRecords.unique("cp_reported");
    new ClickHouseMigrations(client, db).migrate();
    Instant at = Instant.parse("2026-06-01T12:00:00Z");
    ObjectNode beforeV006 = (ObjectNode) Json.MAPPER.readTree(cost("old").at(at).cost(7_000).json());
    beforeV006.remove("reported_cost_nano_usd"); // a record written before the field existed
    List<String> records = List.of(
        cost("reported").at(at).cost(3_500_000).reportedCost(3_600_000).json(),
        cost("unknown").at(at).unknownModel().reportedCost(12_345).json(),
        cost("none").at(at).cost(1_000).json(),
        beforeV006.toString());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String r : records) {
      body.write(SinkTable.REQUEST_COSTS.row(r.getBytes(StandardCharsets.UTF_8), at.getEpochSecond()));
    }
    client.insert(db + ".request_costs", new ByteArrayInputStream(body.toByteArray()), ClickHouseFormat.JSONEachRow)
        .get().close();

    Map<String, Map<String, Object>> rows = new TreeMap<>();
    for (Map<String, Object> r : server.query("SELECT request_id, cost_nano_usd, reported_cost_nano_usd FROM " + db
        + ".request_costs FINAL FORMAT JSONEachRow")) {
      rows.put((String) r.get("request_id"), r);
    }
    assertThat(rows).hasSize(4);
    assertThat(rows.get("reported")).containsEntry("cost_nano_usd", "3500000")
        .containsEntry("reported_cost_nano_usd", "3600000");
    assertThat(rows.get("unknown").get("cost_nano_usd")).isNull();
    assertThat(rows.get("unknown")).containsEntry("reported_cost_nano_usd", "12345");
    assertThat(rows.get("none").get("reported_cost_nano_usd")).isNull();
    assertThat(rows.get("old").get("reported_cost_nano_usd")).isNull();
  }
}
