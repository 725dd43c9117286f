package dev.costpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClickHouseTestServerTest {

    private static final String DB = "ch_harness_test";

    private static ClickHouseTestServer server;

    @BeforeAll
    static void startServer() {
        server = ClickHouseTestServer.shared();
        server.execute("DROP DATABASE IF EXISTS " + DB);
        server.execute("CREATE DATABASE " + DB);
    }

    @Test
    void pingAnswersOk() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.httpUrl() + "/ping")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Ok.\n");
    }

    @Test
    void aServerWhosePortAnotherServerAnswersIsRefused() throws Exception {
        // the shared server holds the HTTP port: the new one cannot bind it, and the ping is answered by the other
        int httpPort = URI.create(server.httpUrl()).getPort();
        int tcpPort = ServerProcesses.freePorts(1)[0];
        assertThatThrownBy(() -> ClickHouseTestServer.start(httpPort, tcpPort, ""))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(String.valueOf(httpPort));
        assertThat(server.query("SELECT 1 AS one FORMAT JSONEachRow")).containsExactly(Map.of("one", 1));
    }

    @Test
    void roundTripsDecimalAndDateTimeThroughClientV2Insert() throws Exception {
        server.execute("CREATE TABLE " + DB + ".costs ("
                + " request_id String,"
                + " ts DateTime('UTC'),"
                + " cost_usd Decimal(38,12),"
                + " version UInt64"
                + ") ENGINE = ReplacingMergeTree(version)"
                + " PARTITION BY toYYYYMM(ts)"
                + " ORDER BY request_id");

        // Decimals as unquoted JSON numbers; DateTime as text and as epoch seconds (both accepted).
        String rows = """
                {"request_id":"req-1","ts":"2025-01-31 23:59:59","cost_usd":0.000001234567,"version":1}
                {"request_id":"req-2","ts":1738368000,"cost_usd":12345678901234567890.123456789012,"version":7}
                """;
        InputStream data = new ByteArrayInputStream(rows.getBytes(StandardCharsets.UTF_8));
        // Only completion is checked: 18.16 sends no X-ClickHouse-Summary header, so getWrittenRows() is -1.
        server.client().insert(DB + ".costs", data, ClickHouseFormat.JSONEachRow)
                .get(30, TimeUnit.SECONDS)
                .close();

        List<Map<String, Object>> result = server.query(
                "SELECT request_id, ts, cost_usd, version FROM " + DB + ".costs FINAL"
                        + " ORDER BY request_id FORMAT JSONEachRow");

        assertThat(result).containsExactly(
                row("req-1", "2025-01-31 23:59:59", new BigDecimal("0.000001234567"), "1"),
                row("req-2", "2025-02-01 00:00:00", new BigDecimal("12345678901234567890.123456789012"), "7"));
    }

    @Test
    void executeReportsTheServersErrorText() {
        assertThatThrownBy(() -> server.execute("SELEC 1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Syntax error")
                .hasMessageContaining("SELEC 1");

        assertThatThrownBy(() -> server.execute("SELECT * FROM " + DB + ".no_such_table"))
                .hasMessageContaining("no_such_table")
                .hasMessageContaining("doesn't exist");
    }

    @Test
    void ownServerAnswersAndIsGoneAfterClose() {
        String url;
        try (ClickHouseTestServer own = ClickHouseTestServer.start()) {
            url = own.httpUrl();
            assertThat(url).isNotEqualTo(server.httpUrl());
            assertThat(own.query("SELECT timezone() AS tz FORMAT JSONEachRow"))
                    .extracting(r -> r.get("tz"))
                    .singleElement()
                    .asString()
                    .endsWith("UTC");
        }

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "/ping")).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.ConnectException.class);
    }

    private static Map<String, Object> row(String requestId, String ts, BigDecimal cost, String version) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("request_id", requestId);
        row.put("ts", ts);
        row.put("cost_usd", cost);
        row.put("version", version);
        return row;
    }
}
