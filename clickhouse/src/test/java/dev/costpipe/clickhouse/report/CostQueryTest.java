package dev.costpipe.clickhouse.report;

import dev.costpipe.engine.record.CostRecord;
import static dev.costpipe.clickhouse.report.CostRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.report.CostQuery.Format;
import dev.costpipe.clickhouse.report.CostQuery.Output;
import dev.costpipe.clickhouse.report.CostRows.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CostQuery} on a real ClickHouse: each filter returns exactly the expected rows and totals, and
 * hostile filter values (quotes, backslashes, SQL, newlines, NUL, unicode) match exactly the rows holding them
 * and inject nothing.
 *
 * <pre>
 *  id   time (UTC)           user   session (name)      properties                 model              cost (nano-USD)
 *  q01  2026-11-16 10:00:00  alice  s1 support-chat     Env=production Team=search openai/gpt-4o        4,500,000
 *  q02  2026-11-16 12:30:00  alice  s1 support-chat     Env=production Team=billing anthropic/sonnet   10,800,000 (delivered twice)
 *  q03  2026-11-17 08:00:00  bob    s2 code-review      Env=staging Team=search    openai/gpt-4o        2,250,000
 *  q04  2026-11-17 09:00:00  bob    -                   Env=production Team=search openai/gpt-4o                0 (cache hit)
 *  q05  2026-11-18 00:00:00  -      -                   -                          openai/gpt-4o-mini      21,000
 *  q06  2026-11-18 23:59:59  carol  -                   Env=production             mistral-unknown         NULL
 *  h00… 2026-11-20 00:00+i   one row per hostile value v: user, session id and name, property Weird and model = v
 *  hn   2026-11-21 00:00:00  a hostile property name
 * </pre>
 */
class CostQueryTest {

    static final List<String> HOSTILE = List.of(
            "x' OR 1=1 --",
            "a\\' OR \\'1\\'=\\'1",
            "back\\slash\\",
            "\\",
            "'",
            "''",
            "line1\nline2",
            "cr\rlf",
            "nul\u0000byte",
            "\\x00",
            "\\0",
            "tab\tchar",
            "Ünïcødé 😀 日本語 \u202Eevil",
            "\"; DROP TABLE request_costs; --",
            "%_like*?",
            "alice ",
            "ALICE",
            "");

    private static final String HOSTILE_NAME = "k'e\\y\n\u0000 --";
    private static final String HOSTILE_NAME_VALUE = "v'al\\ue";

    private static ClickHouseTestServer server;
    private static String database;
    private static CostQuery query;
    private static final List<Row> rows = new ArrayList<>();

    @BeforeAll
    static void load() {
        server = ClickHouseTestServer.shared();
        database = CostRows.createDatabase(server, "query");
        rows.add(row("q01", "2026-11-16 10:00:00").model("openai", "gpt-4o", "openai/gpt-4o").user("alice")
                .session("s1", "support-chat", "/a").property("Environment", "production").property("Team", "search")
                .tokens(1000, 200).cost("input", 2_500_000, "output", 2_000_000));
        rows.add(row("q02", "2026-11-16 12:30:00")
                .model("anthropic", "claude-sonnet-4-5", "anthropic/claude-sonnet-4-5").user("alice")
                .session("s1", "support-chat", "/b").property("Environment", "production").property("Team", "billing")
                .tokens(2000, 500).cacheRead(1000)
                .cost("input", 3_000_000, "cache_read", 300_000, "output", 7_500_000).savings(2_700_000));
        rows.add(row("q03", "2026-11-17 08:00:00").model("openai", "gpt-4o", "openai/gpt-4o").user("bob")
                .session("s2", "code-review", "/").property("Environment", "staging").property("Team", "search")
                .tokens(500, 100).cost("input", 1_250_000, "output", 1_000_000));
        rows.add(row("q04", "2026-11-17 09:00:00").model("openai", "gpt-4o", "openai/gpt-4o").user("bob")
                .property("Environment", "production").property("Team", "search").tokens(800, 100).cacheHit(3_000_000));
        rows.add(row("q05", "2026-11-18 00:00:00").model("openai", "gpt-4o-mini", "openai/gpt-4o-mini")
                .tokens(100, 10).cost("input", 15_000, "output", 6_000));
        rows.add(row("q06", "2026-11-18 23:59:59").model("mistral", "mistral-unknown", null).user("carol")
                .property("Environment", "production").tokens(300, 30).unknownModel());
        for (int i = 0; i < HOSTILE.size(); i++) {
            String v = HOSTILE.get(i);
            rows.add(row(String.format("h%02d", i), String.format("2026-11-20 00:%02d:00", i))
                    .model("openai", v, null).user(v).session(v, v, v).property("Weird", v)
                    .tokens(10 + i, 1).cost("input", 1_000L * (i + 1)));
        }
        rows.add(row("hn", "2026-11-21 00:00:00").user("dave").property(HOSTILE_NAME, HOSTILE_NAME_VALUE)
                .tokens(10, 1).cost("input", 7));
        CostRows.insert(server, database, rows);
        CostRows.insert(server, database, List.of(rows.get(1))); // q02 re-delivered
        query = new CostQuery(ClickHouseReader.of(server.client()), CostTable.of(database));
    }

    @AfterAll
    static void drop() {
        CostRows.dropDatabase(server, database);
    }

    static Stream<String> hostile() {
        return HOSTILE.stream();
    }

    private static Set<String> ids(CostFilter filter) {
        return query.rows(filter, 1000).rows().stream().map(CostRecord::requestId)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> expected(Predicate<Row> predicate) {
        return rows.stream().filter(predicate).map(r -> r.requestId).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String empty(String value) {
        return value == null ? "" : value;
    }

    // --- hostile values ----------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileValuesMatchExactlyTheirRows(String v) {
        assertThat(ids(CostFilter.all().withUser(v))).isNotEmpty()
                .isEqualTo(expected(r -> empty(r.userId).equals(v)));
        assertThat(ids(CostFilter.all().withSession(v))).isEqualTo(expected(r -> empty(r.sessionId).equals(v)));
        assertThat(ids(CostFilter.all().withSessionName(v))).isEqualTo(expected(r -> empty(r.sessionName).equals(v)));
        assertThat(ids(CostFilter.all().withProperty("Weird", v)))
                .isEqualTo(expected(r -> v.equals(r.properties.get("Weird"))));
        assertThat(ids(CostFilter.all().withModel(v)))
                .isEqualTo(expected(r -> empty(r.model).equals(v) || v.equals(r.modelKey)));
        // Combined, and as a property name: still data.
        assertThat(ids(CostFilter.all().withUser(v).withProperty("Weird", v).withModel(v)))
                .isEqualTo(expected(r -> empty(r.userId).equals(v) && v.equals(r.properties.get("Weird"))));
        assertThat(ids(CostFilter.all().withProperty(v, "production"))).isEqualTo(expected(r -> false));
        assertThat(query.totals(CostFilter.all().withUser(v)).requests())
                .isEqualTo(expected(r -> empty(r.userId).equals(v)).size());
    }

    @Test
    void nothingWasInjected() {
        for (String v : HOSTILE) {
            query.totals(CostFilter.all().withUser(v).withProvider(v).withSession(v));
        }
        assertThat(query.totals(CostFilter.all()).requests()).isEqualTo(rows.size());
        assertThat(server.query("SELECT count() AS n FROM system.tables WHERE database = '" + database
                + "' AND name = 'request_costs' FORMAT JSONEachRow")).containsExactly(Map.of("n", "1"));
        // Each hostile user id matched one row: no value widened the filter (x' OR 1=1 -- would match all).
        assertThat(ids(CostFilter.all().withUser("x' OR 1=1 --"))).containsExactly("h00");
        assertThat(ids(CostFilter.all().withUser("nul\u0000byte"))).containsExactly("h08");
        assertThat(ids(CostFilter.all().withUser("\\x00"))).containsExactly("h09"); // the text, not a NUL
        assertThat(ids(CostFilter.all().withUser("alice"))).containsExactly("q01", "q02"); // not "alice ", "ALICE"
        assertThat(ids(CostFilter.all().withUser(""))).containsExactly("h17", "q05"); // empty, or no user at all
    }

    @Test
    void hostilePropertyName() {
        assertThat(ids(CostFilter.all().withProperty(HOSTILE_NAME, HOSTILE_NAME_VALUE))).containsExactly("hn");
        assertThat(ids(CostFilter.all().withProperty(HOSTILE_NAME, "v'al"))).isEmpty();
        assertThat(ids(CostFilter.all().withProperty("k'e", HOSTILE_NAME_VALUE))).isEmpty();
        CostRecord hn = query.rows(CostFilter.all().withUser("dave"), 10).rows().get(0);
        assertThat(hn.properties()).containsExactly(Map.entry(HOSTILE_NAME, HOSTILE_NAME_VALUE));
    }

    @Test
    void unpairedSurrogateIsRefusedBeforeAnyQuery() {
        assertThatThrownBy(() -> query.totals(CostFilter.all().withUser("bad\uD800")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    // --- the other filters -------------------------------------------------------------------------------

    @Test
    void timeRangeIsInclusiveFromExclusiveTo() {
        Instant mon = Instant.parse("2026-11-16T10:00:00Z");
        Instant wed = Instant.parse("2026-11-18T00:00:00Z");
        assertThat(ids(CostFilter.all().between(mon, wed))).containsExactly("q01", "q02", "q03", "q04");
        assertThat(ids(CostFilter.all().between(mon.plusMillis(500), wed.plusMillis(1))))
                .containsExactly("q02", "q03", "q04", "q05"); // 10:00:00 is before 10:00:00.5; 00:00:00 before 00:00:00.001
        assertThat(ids(CostFilter.all().between(wed, Instant.parse("2026-11-19T00:00:00Z"))))
                .containsExactly("q05", "q06");
        assertThat(ids(CostFilter.all().between(null, mon))).isEmpty();
        assertThat(ids(CostFilter.all().between(Instant.parse("2026-11-21T00:00:00Z"), null))).containsExactly("hn");
        assertThatThrownBy(() -> CostFilter.all().between(wed, mon)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void userSessionPropertyModelProviderFilters() {
        assertThat(ids(CostFilter.all().withUser("bob"))).containsExactly("q03", "q04");
        assertThat(ids(CostFilter.all().withSession("s1"))).containsExactly("q01", "q02");
        assertThat(ids(CostFilter.all().withSessionName("code-review"))).containsExactly("q03");
        assertThat(ids(CostFilter.all().withProperty("Environment", "production")))
                .containsExactly("q01", "q02", "q04", "q06");
        assertThat(ids(CostFilter.all().withProperty("Environment", "production").withProperty("Team", "search")))
                .containsExactly("q01", "q04");
        assertThat(ids(CostFilter.all().withProperty("environment", "production"))).isEmpty(); // names keep case
        assertThat(ids(CostFilter.all().withModel("openai/gpt-4o"))).containsExactly("q01", "q03", "q04");
        assertThat(ids(CostFilter.all().withModel("gpt-4o"))).containsExactly("q01", "q03", "q04");
        assertThat(ids(CostFilter.all().withModel("mistral-unknown"))).containsExactly("q06");
        assertThat(ids(CostFilter.all().withProvider("anthropic"))).containsExactly("q02");
        assertThat(ids(CostFilter.all().withProvider("openai").withUser("bob")
                .between(Instant.parse("2026-11-17T08:30:00Z"), null))).containsExactly("q04");
    }

    @Test
    void totalsAreExactAndCountReDeliveredRowsOnce() {
        CostQuery.Totals t = query.totals(CostFilter.all().withUser("alice"));
        assertThat(t.requests()).isEqualTo(2);
        assertThat(t.pricedRequests()).isEqualTo(2);
        assertThat(t.costNanoUsd()).isEqualTo(15_300_000L);
        assertThat(t.inputTokens()).isEqualTo(3_000);
        assertThat(t.outputTokens()).isEqualTo(700);
        assertThat(t.cacheReadTokens()).isEqualTo(1_000);
        assertThat(t.cacheSavingsNanoUsd()).isEqualTo(2_700_000L);
        assertThat(t.first()).isEqualTo(Instant.parse("2026-11-16T10:00:00Z"));
        assertThat(t.last()).isEqualTo(Instant.parse("2026-11-16T12:30:00Z"));

        CostQuery.Totals week = query.totals(CostFilter.all()
                .between(Instant.parse("2026-11-16T00:00:00Z"), Instant.parse("2026-11-19T00:00:00Z")));
        assertThat(week.requests()).isEqualTo(6);
        assertThat(week.pricedRequests()).isEqualTo(5);
        assertThat(week.unpricedRequests()).isEqualTo(1);
        assertThat(week.costNanoUsd()).isEqualTo(4_500_000L + 10_800_000L + 2_250_000L + 0L + 21_000L);
        assertThat(week.cacheHits()).isEqualTo(1);
        assertThat(week.cacheSavingsNanoUsd()).isEqualTo(5_700_000L);
        assertThat(week.unknownModelRequests()).isEqualTo(1);

        CostQuery.Totals none = query.totals(CostFilter.all().withUser("nobody"));
        assertThat(none.requests()).isZero();
        assertThat(none.costNanoUsd()).isZero();
        assertThat(none.first()).isNull();
    }

    // --- output ------------------------------------------------------------------------------------------

    @Test
    void totalsInEveryFormat() throws Exception {
        CostQuery.Options options = new CostQuery.Options(CostFilter.all().withUser("alice"), Output.TOTALS,
                Format.TABLE, 0);
        String table = query.run(options);
        assertThat(table).contains("requests", "2 (2 priced, 0 unpriced)", "$0.0153 (0.015300000 USD)",
                "2026-11-16 10:00:00 UTC");
        JsonNode json = Rows.MAPPER.readTree(query.run(new CostQuery.Options(options.filter(), Output.TOTALS,
                Format.JSON, 0)));
        assertThat(json.path("requests").asLong()).isEqualTo(2);
        assertThat(json.path("cost_nano_usd").asLong()).isEqualTo(15_300_000L);
        assertThat(json.path("cost_usd").asText()).isEqualTo("0.015300000");
        assertThat(json.path("first_request_at").asText()).isEqualTo("2026-11-16T10:00:00Z");
        List<List<String>> csv = parseCsv(query.run(new CostQuery.Options(options.filter(), Output.TOTALS,
                Format.CSV, 0)));
        assertThat(csv).hasSize(2);
        Map<String, String> fields = zip(csv.get(0), csv.get(1));
        assertThat(fields).containsEntry("requests", "2").containsEntry("cost_usd", "0.015300000")
                .containsEntry("input_tokens", "3000");
    }

    @Test
    void rowsAsJsonLinesAreCostRecords() throws Exception {
        String out = query.run(new CostQuery.Options(CostFilter.all()
                .between(Instant.parse("2026-11-16T00:00:00Z"), Instant.parse("2026-11-19T00:00:00Z")),
                Output.ROWS, Format.JSON, 0));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            lines.add(Rows.MAPPER.readTree(line));
        }
        assertThat(lines).extracting(n -> n.path("request_id").asText())
                .containsExactly("q01", "q02", "q03", "q04", "q05", "q06"); // by time
        JsonNode q02 = lines.get(1);
        assertThat(q02.path("timestamp").asText()).isEqualTo("2026-11-16T12:30:00Z");
        assertThat(q02.path("model_key").asText()).isEqualTo("anthropic/claude-sonnet-4-5");
        assertThat(q02.path("properties").toString()).isEqualTo("{\"Environment\":\"production\",\"Team\":\"billing\"}");
        assertThat(q02.path("usage").path("cache_read_tokens").asLong()).isEqualTo(1_000);
        assertThat(q02.path("cost_nano_usd").asLong()).isEqualTo(10_800_000L);
        assertThat(q02.path("cost_usd").asText()).isEqualTo("0.010800000");
        assertThat(q02.path("cost_breakdown").toString())
                .isEqualTo("{\"input\":3000000,\"cache_read\":300000,\"output\":7500000}");
        JsonNode q05 = lines.get(4);
        assertThat(q05.path("user_id").isNull()).isTrue();
        JsonNode q06 = lines.get(5);
        assertThat(q06.path("cost_nano_usd").isNull()).isTrue();
        assertThat(q06.path("pricing_status").asText()).isEqualTo("unknown_model");
        assertThat(q06.path("errors").get(0).asText()).isEqualTo("unknown model: mistral/mistral-unknown");
    }

    @Test
    void hostileValuesSurviveJsonAndCsvExactlyAndTableShowsThemEscaped() throws Exception {
        CostFilter hostileRows = CostFilter.all()
                .between(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));
        String json = query.run(new CostQuery.Options(hostileRows, Output.ROWS, Format.JSON, 0));
        List<String> users = new ArrayList<>();
        for (String line : json.split("\n")) {
            users.add(Rows.MAPPER.readTree(line).path("user_id").asText());
        }
        assertThat(users).containsExactlyElementsOf(HOSTILE);

        List<List<String>> csv = parseCsv(query.run(new CostQuery.Options(hostileRows, Output.ROWS, Format.CSV, 0)));
        int userColumn = csv.get(0).indexOf("user_id");
        assertThat(csv.subList(1, csv.size())).extracting(r -> r.get(userColumn)).containsExactlyElementsOf(HOSTILE);
        int properties = csv.get(0).indexOf("properties");
        assertThat(Rows.MAPPER.readTree(csv.get(2).get(properties)).path("Weird").asText()).isEqualTo(HOSTILE.get(1));

        String table = query.run(new CostQuery.Options(hostileRows, Output.ROWS, Format.TABLE, 0));
        assertThat(table.lines()).hasSize(2 + HOSTILE.size()); // one line per row: newlines shown as \n
        assertThat(table).contains("line1\\nline2", "nul\\u0000byte", "\\u202Eevil").doesNotContain("\u0000");
    }

    @Test
    void rowLimitSaysWhenMoreMatched() {
        CostQuery.RowsResult two = query.rows(CostFilter.all(), 2);
        assertThat(two.rows()).extracting(CostRecord::requestId).containsExactly("q01", "q02");
        assertThat(two.truncated()).isTrue();
        assertThat(query.rows(CostFilter.all().withUser("bob"), 2).truncated()).isFalse();
        String table = query.run(new CostQuery.Options(CostFilter.all(), Output.ROWS, Format.TABLE, 3));
        assertThat(table).endsWith("(first 3 rows; more match: raise the limit)\n");
        assertThat(query.run(new CostQuery.Options(CostFilter.all().withUser("nobody"), Output.ROWS, Format.TABLE, 0)))
                .isEqualTo("No matching requests.\n");
    }

    @Test
    void parsingCommandLineValues() {
        assertThat(CostFilter.PropertyEquals.parse("Environment=production"))
                .isEqualTo(new CostFilter.PropertyEquals("Environment", "production"));
        assertThat(CostFilter.PropertyEquals.parse("q=a=b")).isEqualTo(new CostFilter.PropertyEquals("q", "a=b"));
        assertThat(CostFilter.PropertyEquals.parse("Empty=")).isEqualTo(new CostFilter.PropertyEquals("Empty", ""));
        assertThatThrownBy(() -> CostFilter.PropertyEquals.parse("=x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(CostFilter.parseTime("2026-11-16")).isEqualTo(Instant.parse("2026-11-16T00:00:00Z"));
        assertThat(CostFilter.parseTime("2026-11-16T10:15")).isEqualTo(Instant.parse("2026-11-16T10:15:00Z"));
        assertThat(CostFilter.parseTime("2026-11-16T11:15:00+01:00")).isEqualTo(Instant.parse("2026-11-16T10:15:00Z"));
        assertThat(Format.parse("csv")).isEqualTo(Format.CSV);
        assertThatThrownBy(() -> Format.parse("xml")).hasMessageContaining("table, json or csv");
    }

    // --- helpers -----------------------------------------------------------------------------------------

    /** RFC 4180. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                record.add(cell.toString());
                cell.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        return records;
    }

    private static Map<String, String> zip(List<String> keys, List<String> values) {
        return java.util.stream.IntStream.range(0, keys.size()).boxed()
                .collect(Collectors.toMap(keys::get, values::get, (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
