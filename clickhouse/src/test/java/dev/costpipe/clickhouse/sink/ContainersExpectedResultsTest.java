package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The {@code -Pcontainers} test (containers-it, which needs Docker and never runs in the default build) compares
 * current images with rows recorded on 18.16. Recorded before a migration or a view change, that file can no
 * longer match, and nothing here would say so: this test fails first, when the recorded rows' columns are not
 * the columns the migrations create. (Values are not checked: a view whose answers change needs the file
 * recorded again, by {@code RecordExpectedResults}.)
 */
class ContainersExpectedResultsTest {
  private static final Path EXPECTED = Path.of("../containers-it/src/test/resources/expected-on-clickhouse-18.16.json");
  /** The tables PipelineScenario reads, every column but ingested_at (the insert time differs between runs). */
  private static final List<String> TABLES = List.of("request_costs", "cost_aggregates", "cost_alerts");
  /** The scenario sets no alert rule, so its cost_alerts is empty and holds no columns to compare. */
  private static final String NEVER_FILLED = "cost_alerts";

  @Test
  void theRecordedRowsHaveTheColumnsOfTheMigratedTablesAndViewsInTheOrderTheScenarioReadsThem() throws Exception {
    ClickHouseTestServer server = ClickHouseTestServer.shared();
    String db = TestRecords.unique("cp_expected");
    new ClickHouseMigrations(server.client(), db).migrate();
    Map<String, List<String>> migrated = new TreeMap<>();
    for (String table : TABLES) {
      List<String> columns = columns(server, db, table);
      columns.remove("ingested_at");
      columns.sort(null); // PipelineScenario lists a table's columns in name order (its query helper sorts rows)
      migrated.put(table, columns);
    }
    for (String view : ClickHouseMigrations.VIEWS) {
      String name = view.substring(0, view.length() - ".sql".length());
      migrated.put(name, columns(server, db, name));
    }

    JsonNode expected = Json.MAPPER.readTree(EXPECTED.toFile());
    assertThat(new TreeSet<>(names(expected.fieldNames()))).as("the queries recorded")
        .containsExactlyElementsOf(migrated.keySet());
    migrated.forEach((query, columns) -> {
      JsonNode rows = expected.get(query);
      if (query.equals(NEVER_FILLED)) {
        assertThat(rows).as(query + " rows").isEmpty();
        return;
      }
      assertThat(rows).as(query + " rows").isNotEmpty();
      for (JsonNode row : rows) {
        assertThat(names(parse(row.asText()).fieldNames())).as(query + " columns, in "
            + EXPECTED + " (record it again: see RecordExpectedResults)").containsExactlyElementsOf(columns);
      }
    });
  }

  private static List<String> columns(ClickHouseTestServer server, String db, String table) {
    List<String> out = new ArrayList<>();
    // in the table's own order, as a view's SELECT * gives them
    server.query("SELECT name FROM system.columns WHERE database = '" + db + "' AND table = '" + table
        + "' FORMAT JSONEachRow").forEach(r -> out.add((String) r.get("name")));
    assertThat(out).as("columns of " + table).isNotEmpty();
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static List<String> names(Iterator<String> names) {
    List<String> out = new ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }
}
