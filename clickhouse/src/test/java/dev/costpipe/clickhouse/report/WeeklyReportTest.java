package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.CostRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.clickhouse.report.WeeklyReport.Day;
import dev.costpipe.clickhouse.report.WeeklyReport.Hint;
import dev.costpipe.clickhouse.report.WeeklyReport.HintKind;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyGroup;
import dev.costpipe.clickhouse.report.WeeklyReport.Spend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The weekly report against a real ClickHouse: four weeks of hand-made rows, every number below computed by
 * hand from them (rates used to write the rows: Opus $15/$75 per million input/output tokens, GPT-4o
 * $2.50/$10, GPT-4o mini $0.15/$0.60, i.e. 15,000/75,000, 2,500/10,000 and 150/600 nano-USD per token).
 *
 * <pre>
 * 2026-W45 (Mon 2 Nov): 21 "batch" sessions of one mini call each, costing 1,000 … 21,000 nano-USD; the last
 *          at Sun 8 Nov 23:59:59, one second before W46. No hint is supported.
 * 2026-W46 (Mon 9 Nov): p01-p04, production only, $0.12675 in total. No hint is supported.
 * 2026-W47 (Mon 16 Nov): r01-r17 below, plus r16 delivered twice (FINAL counts it once). Every hint fires.
 * 2026-W48 (Mon 23 Nov): b1 at 00:00:00 exactly (belongs to W48, not W47), with hostile display values.
 *
 *  id   day  user   session (name)       Env          model  in/out tokens  cost (nano-USD)
 *  r01  Mon  alice  s-a1 support-chat    production   opus   400/100        13,500,000  Team=search
 *  r02  Mon  alice  s-a1 support-chat    production   opus   300/200        19,500,000  Team=search
 *  r03  Tue  bob    s-b1 support-chat    production   opus   200/100        10,500,000  Team=billing
 *  r04  Tue  bob    s-b1 support-chat    production   mini   400/100           120,000  Team=billing
 *  r05  Wed  carol  s-c1 support-chat    production   mini   200/50             60,000
 *  r06  Wed  carol  s-c1 support-chat    production   mini   100/100            75,000
 *  r07  Thu  alice  s-a2 code-review     development  4o     1200/500        8,000,000  (first of 4 repeats)
 *  r08  Thu  alice  s-a2 code-review     development  4o     1200/300        6,000,000
 *  r09  Thu  alice  s-a2 code-review     development  4o     1200/300        6,000,000
 *  r10  Thu  alice  s-a2 code-review     development  4o     1200/300        6,000,000
 *  r17  Thu  alice  -                    production   mini   50/20              19,500
 *  r11  Fri  dave   s-d1 support-chat    staging      4o     2000/400        7,750,000  (1000 cache-read tokens,
 *                                                                                        prompt-cache savings 1,250,000)
 *  r12  Fri  erin   -                    production   4o     800/200                 0  response-cache hit, saved 4,000,000
 *  r13  Sat  frank  s-f1 (no name)       production   gpt-9-preview 500/100   NULL  unknown model
 *  r14  Sat  erin   -                    -            opus   0/0              NULL  no usage (HTTP 500)
 *  r15  Sun  frank  s-f1 (no name)       production   mini   1000/500          450,000  estimated usage
 *  r16  Sun  dave   s-d2 code-review     production   opus   5000/1000     150,000,000  (23:59:59)
 *                                                                         total 227,974,500
 * </pre>
 */
class WeeklyReportTest {

    private static final String OPUS_KEY = "anthropic/claude-opus-4-1";
    private static final String GPT4O_KEY = "openai/gpt-4o";
    private static final String MINI_KEY = "openai/gpt-4o-mini";
    private static final long W47_TOTAL = 227_974_500L;

    private static ClickHouseTestServer server;
    private static String database;
    private static WeeklyReport w47;
    private static WeeklyReport w46;
    private static WeeklyReport w45;

    @BeforeAll
    static void load() {
        server = ClickHouseTestServer.shared();
        database = CostRows.createDatabase(server, "weekly");
        CostRows.insert(server, database, rows());
        // r16 re-delivered later (another insert, so another part until a merge): FINAL must count it once.
        CostRows.insert(server, database, List.of(r16().ingestedAt("2026-12-01 00:00:00")));
        w47 = report(IsoWeek.parse("2026-W47"));
        w46 = report(IsoWeek.parse("2026-W46"));
        w45 = report(IsoWeek.parse("2026-W45"));
    }

    @AfterAll
    static void drop() {
        CostRows.dropDatabase(server, database);
    }

    private static WeeklyReport report(IsoWeek week) {
        return WeeklyReport.generate(reader(), new WeeklyReport.Options(CostTable.of(database), week, null), clock());
    }

    private static ClickHouseReader reader() {
        return ClickHouseReader.of(server.client());
    }

    private static Clock clock() {
        return Clock.fixed(Instant.parse("2026-11-25T08:30:00Z"), ZoneOffset.UTC);
    }

    // --- the data --------------------------------------------------------------------------------------

    private static Row opus(String id, String time) {
        return row(id, time).model("anthropic", "claude-opus-4-1", OPUS_KEY);
    }

    private static Row gpt4o(String id, String time) {
        return row(id, time).model("openai", "gpt-4o", GPT4O_KEY);
    }

    private static Row mini(String id, String time) {
        return row(id, time).model("openai", "gpt-4o-mini", MINI_KEY);
    }

    static Row r16() {
        return opus("r16", "2026-11-22 23:59:59").user("dave").session("s-d2", "code-review", "/review")
                .property("Environment", "production").tokens(5000, 1000)
                .cost("input", 75_000_000, "output", 75_000_000);
    }

    /** The rows above (r16 once; {@link #load} re-delivers it). */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // 2026-W45: 21 batch sessions, costs 1,000 … 21,000; input tokens all different (no repeats).
        for (int k = 1; k <= 21; k++) {
            String time = k == 21 ? "2026-11-08 23:59:59" : String.format("2026-11-0%d 0%d:00:00", 2 + k % 6, k % 10);
            rows.add(mini("batch-" + k, time).user("batch-user").session("batch-" + k, "batch", "/run")
                    .property("Environment", "production").tokens(100 + k, 10).cost("input", k * 1000L));
        }
        // 2026-W46
        rows.add(opus("p01", "2026-11-09 08:00:00").user("alice").session("s-p1", "support-chat", "/")
                .property("Environment", "production").tokens(400, 100)
                .cost("input", 6_000_000, "output", 7_500_000));
        rows.add(gpt4o("p02", "2026-11-11 12:00:00").user("bob").property("Environment", "production")
                .tokens(1000, 500).cost("input", 2_500_000, "output", 5_000_000));
        rows.add(mini("p03", "2026-11-13 16:00:00").user("carol").property("Environment", "production")
                .tokens(1000, 1000).cost("input", 150_000, "output", 600_000));
        rows.add(opus("p04", "2026-11-15 23:59:59").user("dave").property("Environment", "production")
                .tokens(2000, 1000).cost("input", 30_000_000, "output", 75_000_000));
        // 2026-W47
        rows.add(opus("r01", "2026-11-16 09:00:00").user("alice").session("s-a1", "support-chat", "/triage")
                .property("Environment", "production").property("Team", "search").tokens(400, 100)
                .cost("input", 6_000_000, "output", 7_500_000));
        rows.add(opus("r02", "2026-11-16 09:05:00").user("alice").session("s-a1", "support-chat", "/answer")
                .property("Environment", "production").property("Team", "search").tokens(300, 200)
                .cost("input", 4_500_000, "output", 15_000_000));
        rows.add(opus("r03", "2026-11-17 10:00:00").user("bob").session("s-b1", "support-chat", "/triage")
                .property("Environment", "production").property("Team", "billing").tokens(200, 100)
                .cost("input", 3_000_000, "output", 7_500_000));
        rows.add(mini("r04", "2026-11-17 11:00:00").user("bob").session("s-b1", "support-chat", "/answer")
                .property("Environment", "production").property("Team", "billing").tokens(400, 100)
                .cost("input", 60_000, "output", 60_000));
        rows.add(mini("r05", "2026-11-18 10:00:00").user("carol").session("s-c1", "support-chat", "/triage")
                .property("Environment", "production").tokens(200, 50).cost("input", 30_000, "output", 30_000));
        rows.add(mini("r06", "2026-11-18 10:30:00").user("carol").session("s-c1", "support-chat", "/answer")
                .property("Environment", "production").tokens(100, 100).cost("input", 15_000, "output", 60_000));
        rows.add(gpt4o("r07", "2026-11-19 10:00:00").user("alice").session("s-a2", "code-review", "/review")
                .property("Environment", "development").tokens(1200, 500)
                .cost("input", 3_000_000, "output", 5_000_000));
        for (String id : List.of("r08", "r09", "r10")) {
            int minute = Integer.parseInt(id.substring(1)) - 7;
            rows.add(gpt4o(id, "2026-11-19 10:0" + minute + ":00").user("alice")
                    .session("s-a2", "code-review", "/review").property("Environment", "development")
                    .tokens(1200, 300).cost("input", 3_000_000, "output", 3_000_000));
        }
        rows.add(mini("r17", "2026-11-19 15:00:00").user("alice").property("Environment", "production")
                .tokens(50, 20).cost("input", 7_500, "output", 12_000));
        rows.add(gpt4o("r11", "2026-11-20 09:00:00").user("dave").session("s-d1", "support-chat", "/triage")
                .property("Environment", "staging").tokens(2000, 400).cacheRead(1000)
                .cost("input", 2_500_000, "cache_read", 1_250_000, "output", 4_000_000).savings(1_250_000));
        rows.add(gpt4o("r12", "2026-11-20 14:00:00").user("erin").property("Environment", "production")
                .tokens(800, 200).cacheHit(4_000_000));
        rows.add(row("r13", "2026-11-21 11:00:00").model("openai", "gpt-9-preview", null).user("frank")
                .session("s-f1", null, null).property("Environment", "production").tokens(500, 100).unknownModel());
        rows.add(opus("r14", "2026-11-21 12:00:00").user("erin").noUsage(500));
        rows.add(mini("r15", "2026-11-22 10:00:00").user("frank").session("s-f1", null, null)
                .property("Environment", "production").tokens(1000, 500).estimated()
                .cost("input", 150_000, "output", 300_000));
        rows.add(r16());
        // 2026-W48: exactly at the end of W47; display values that must be escaped.
        rows.add(opus("b1", "2026-11-23 00:00:00").user("<script>alert(\"x\")</script>")
                .session("s-<b>", "bad|name\nsecond line", "/")
                .property("Environment", "production").tokens(100, 10)
                .cost("input", 1_500_000, "output", 750_000));
        return rows;
    }

    // --- totals and change -------------------------------------------------------------------------------

    @Test
    void totalsCountEachRequestOnceAndStopAtTheWeeksBounds() {
        WeeklyReport.Totals t = w47.total();
        assertThat(t.requests()).isEqualTo(17); // r01-r17: not r16's second copy, not b1 (W48) nor p04 (W46)
        assertThat(t.pricedRequests()).isEqualTo(15); // r13 and r14 have no cost
        assertThat(t.costNanoUsd()).isEqualTo(W47_TOTAL);
        assertThat(t.inputTokens()).isEqualTo(15_750);
        assertThat(t.outputTokens()).isEqualTo(4_270);
        assertThat(t.cacheReadTokens()).isEqualTo(1_000);
        assertThat(t.users()).isEqualTo(6);
        assertThat(t.sessions()).isEqualTo(7);
        assertThat(w46.total().requests()).isEqualTo(4);
        assertThat(w46.total().costNanoUsd()).isEqualTo(126_750_000L);
        // batch-21 at Sun 8 Nov 23:59:59 is W45's, not W46's.
        assertThat(w45.total().requests()).isEqualTo(21);
        assertThat(w45.total().costNanoUsd()).isEqualTo(231_000L);

        WeeklyReport w48 = report(IsoWeek.parse("2026-W48"));
        assertThat(w48.total().requests()).isEqualTo(1);
        assertThat(w48.total().costNanoUsd()).isEqualTo(2_250_000L);
    }

    @Test
    void weekOverWeekChange() {
        assertThat(w47.previousTotal().costNanoUsd()).isEqualTo(126_750_000L);
        assertThat(w47.change().absoluteNanoUsd()).isEqualTo(101_224_500L);
        assertThat(w47.change().percent()).isEqualByComparingTo("79.9"); // 101,224,500 / 126,750,000
        assertThat(w46.change().absoluteNanoUsd()).isEqualTo(126_750_000L - 231_000L);
        assertThat(w46.change().percent()).isEqualByComparingTo("54770.1"); // 126,519,000 / 231,000
        assertThat(w45.change().percent()).isNull(); // nothing in W44
        assertThat(TextReport.changeText(w47.change())).isEqualTo("+$0.1012 (+79.9%)");
    }

    @Test
    void defaultWeekIsTheLastCompleteOne() {
        WeeklyReport byDefault = WeeklyReport.generate(reader(),
                new WeeklyReport.Options(CostTable.of(database), null, ReportFormat.TEXT), clock());
        assertThat(byDefault.week()).isEqualTo(IsoWeek.parse("2026-W47")); // the clock says Wed 25 Nov (W48)
        assertThat(byDefault.total()).isEqualTo(w47.total());
    }

    @Test
    void dailySpendHasSevenDaysIncludingEmptyOnes() {
        assertThat(w47.daily()).extracting(Day::date, Day::requests, Day::costNanoUsd).containsExactly(
                tuple(LocalDate.parse("2026-11-16"), 2L, 33_000_000L),
                tuple(LocalDate.parse("2026-11-17"), 2L, 10_620_000L),
                tuple(LocalDate.parse("2026-11-18"), 2L, 135_000L),
                tuple(LocalDate.parse("2026-11-19"), 5L, 26_019_500L),
                tuple(LocalDate.parse("2026-11-20"), 2L, 7_750_000L),
                tuple(LocalDate.parse("2026-11-21"), 2L, 0L),
                tuple(LocalDate.parse("2026-11-22"), 2L, 150_450_000L));
        assertThat(w47.previousDaily()).extracting(Day::costNanoUsd).containsExactly(
                13_500_000L, 0L, 7_500_000L, 0L, 750_000L, 0L, 105_000_000L);
    }

    // --- breakdowns --------------------------------------------------------------------------------------

    @Test
    void spendByPropertyValue() {
        assertThat(w47.byProperty()).extracting(PropertyGroup::name, PropertyGroup::requests,
                        PropertyGroup::costNanoUsd, PropertyGroup::distinctValues, PropertyGroup::otherValuesRequests)
                .containsExactly(
                        tuple("Environment", 16L, W47_TOTAL, 3L, 0L),
                        tuple("Team", 4L, 43_620_000L, 2L, 0L));
        assertThat(w47.byProperty().get(0).values())
                .extracting(v -> v.value(), v -> v.requests(), v -> v.costNanoUsd(), v -> v.sharePercent().toPlainString())
                .containsExactly(
                        tuple("production", 11L, 194_224_500L, "85.2"),
                        tuple("development", 4L, 26_000_000L, "11.4"),
                        tuple("staging", 1L, 7_750_000L, "3.4"));
        assertThat(w47.byProperty().get(1).values())
                .extracting(v -> v.value(), v -> v.requests(), v -> v.costNanoUsd(), v -> v.sharePercent().toPlainString())
                .containsExactly(
                        tuple("search", 2L, 33_000_000L, "14.5"),
                        tuple("billing", 2L, 10_620_000L, "4.7"));
    }

    @Test
    void spendByModelAndProvider() {
        assertThat(w47.byModel()).extracting(Spend::name, Spend::requests, Spend::costNanoUsd, Spend::inputTokens,
                        Spend::outputTokens, Spend::unpricedRequests, s -> s.sharePercent().toPlainString())
                .containsExactly(
                        tuple(OPUS_KEY, 5L, 193_500_000L, 5_900L, 1_400L, 1L, "84.9"),
                        tuple(GPT4O_KEY, 6L, 33_750_000L, 7_600L, 2_000L, 0L, "14.8"),
                        tuple(MINI_KEY, 5L, 724_500L, 1_750L, 770L, 0L, "0.3"),
                        tuple("gpt-9-preview", 1L, 0L, 500L, 100L, 1L, "0.0")); // no model_key: the model as called
        assertThat(w47.byProvider()).extracting(Spend::name, Spend::requests, Spend::costNanoUsd,
                        s -> s.sharePercent().toPlainString())
                .containsExactly(
                        tuple("anthropic", 5L, 193_500_000L, "84.9"),
                        tuple("openai", 12L, 34_474_500L, "15.1"));
    }

    @Test
    void topUsersAndSessions() {
        // erin (two requests, both without a cost) is sixth and left out.
        assertThat(w47.topUsers()).extracting(u -> u.userId(), u -> u.requests(), u -> u.sessions(),
                        u -> u.costNanoUsd(), u -> u.sharePercent().toPlainString())
                .containsExactly(
                        tuple("dave", 2L, 2L, 157_750_000L, "69.2"),
                        tuple("alice", 7L, 2L, 59_019_500L, "25.9"),
                        tuple("bob", 2L, 1L, 10_620_000L, "4.7"),
                        tuple("frank", 2L, 1L, 450_000L, "0.2"),
                        tuple("carol", 2L, 1L, 135_000L, "0.1"));
        assertThat(w47.topSessions()).extracting(s -> s.sessionId(), s -> s.sessionName(), s -> s.userId(),
                        s -> s.requests(), s -> s.costNanoUsd())
                .containsExactly(
                        tuple("s-d2", "code-review", "dave", 1L, 150_000_000L),
                        tuple("s-a1", "support-chat", "alice", 2L, 33_000_000L),
                        tuple("s-a2", "code-review", "alice", 4L, 26_000_000L),
                        tuple("s-b1", "support-chat", "bob", 2L, 10_620_000L),
                        tuple("s-d1", "support-chat", "dave", 1L, 7_750_000L));
        assertThat(w47.topSessions().get(2).first()).isEqualTo(Instant.parse("2026-11-19T10:00:00Z"));
        assertThat(w47.topSessions().get(2).last()).isEqualTo(Instant.parse("2026-11-19T10:03:00Z"));
    }

    @Test
    void costPerSessionName() {
        // code-review: s-a2 26,000,000 (4 calls), s-d2 150,000,000 (1 call).
        // support-chat: s-a1 33,000,000 (2), s-b1 10,620,000 (2), s-c1 135,000 (2), s-d1 7,750,000 (1).
        // p95 by nearest rank: the ceil(0.95 n)-th smallest, i.e. the largest when n < 21.
        assertThat(w47.sessionNames()).extracting(s -> s.sessionName(), s -> s.sessions(), s -> s.calls(),
                        s -> s.costNanoUsd(), s -> s.averageNanoUsd(), s -> s.p95NanoUsd(), s -> s.maxNanoUsd(),
                        s -> s.callsPerSession().toPlainString())
                .containsExactly(
                        tuple("code-review", 2L, 5L, 176_000_000L, 88_000_000L, 150_000_000L, 150_000_000L, "2.5"),
                        tuple("support-chat", 4L, 7L, 51_505_000L, 12_876_250L, 33_000_000L, 33_000_000L, "1.8"),
                        tuple("", 1L, 2L, 450_000L, 450_000L, 450_000L, 450_000L, "2.0"));
        assertThat(TextReport.sessionNameLine(w47.sessionNames().get(1))).isEqualTo(
                "support-chat: $0.01288 on average with 1.8 calls (4 sessions, p95 $0.033, max $0.033, total $0.0515)");
        // 21 batch sessions costing 1,000 … 21,000: p95 is the 20th smallest (ceil(19.95) = 20).
        assertThat(w45.sessionNames()).extracting(s -> s.sessionName(), s -> s.sessions(), s -> s.averageNanoUsd(),
                        s -> s.p95NanoUsd(), s -> s.maxNanoUsd(), s -> s.callsPerSession().toPlainString())
                .containsExactly(tuple("batch", 21L, 11_000L, 20_000L, 21_000L, "1.0"));
    }

    @Test
    void cachingAndUnpricedRequests() {
        WeeklyReport.Cache c = w47.cache();
        assertThat(c.cacheHits()).isEqualTo(1);
        assertThat(c.hitRatePercent()).isEqualByComparingTo("5.9"); // 1 / 17
        assertThat(c.responseCacheSavingsNanoUsd()).isEqualTo(4_000_000L);
        assertThat(c.promptCacheSavingsNanoUsd()).isEqualTo(1_250_000L);
        assertThat(c.totalSavingsNanoUsd()).isEqualTo(5_250_000L);
        assertThat(c.cacheReadSharePercent()).isEqualByComparingTo("6.3"); // 1,000 / 15,750

        WeeklyReport.Unpriced u = w47.unpriced();
        assertThat(u.unknownModelRequests()).isEqualTo(1);
        assertThat(u.noUsageRequests()).isEqualTo(1);
        assertThat(u.estimatedRequests()).isEqualTo(1);
        assertThat(u.estimatedCostNanoUsd()).isEqualTo(450_000L);
        assertThat(u.unknownModels()).containsExactly(new WeeklyReport.UnknownModel("openai", "gpt-9-preview", 1));
    }

    @Test
    void topTenRequests() {
        assertThat(w47.topRequests()).extracting(r -> r.requestId(), r -> r.costNanoUsd()).containsExactly(
                tuple("r16", 150_000_000L), tuple("r02", 19_500_000L), tuple("r01", 13_500_000L),
                tuple("r03", 10_500_000L), tuple("r07", 8_000_000L), tuple("r11", 7_750_000L),
                tuple("r08", 6_000_000L), tuple("r09", 6_000_000L), tuple("r10", 6_000_000L),
                tuple("r15", 450_000L));
        WeeklyReport.ExpensiveRequest top = w47.topRequests().get(0);
        assertThat(top.timestamp()).isEqualTo(Instant.parse("2026-11-22T23:59:59Z"));
        assertThat(List.of(top.provider(), top.model(), top.userId(), top.sessionId(), top.sessionName()))
                .containsExactly("anthropic", OPUS_KEY, "dave", "s-d2", "code-review");
        assertThat(List.of(top.inputTokens(), top.outputTokens())).containsExactly(5_000L, 1_000L);
    }

    // --- hints -------------------------------------------------------------------------------------------

    @Test
    void hintsThisWeekFollowTheData() {
        assertThat(w47.hints()).extracting(Hint::kind, Hint::savingNanoUsd).containsExactly(
                // Opus short calls r01-r03: 3 calls, 43,500,000, 900 input / 400 output tokens.
                // Mini short calls r04-r06, r17: 4 calls, 274,500; input side 112,500 over 750 tokens (150/token),
                // output side 162,000 over 270 tokens (600/token). Opus's calls at mini's rates:
                // 900 x 150 + 400 x 600 = 375,000, so 43,500,000 - 375,000 = 43,125,000 saved.
                tuple(HintKind.SHORT_PROMPTS_ON_EXPENSIVE_MODEL, 43_125_000L),
                // alice, gpt-4o, 1200 input tokens, 4 calls: 26,000,000 minus the first call (r07, 8,000,000).
                tuple(HintKind.REPEATED_PROMPTS, 18_000_000L),
                // development 26,000,000 + staging 7,750,000 = 14.8% of 227,974,500.
                tuple(HintKind.NON_PRODUCTION_SPEND, 0L),
                tuple(HintKind.UNKNOWN_MODELS, 0L),
                tuple(HintKind.NO_USAGE, 0L),
                tuple(HintKind.ESTIMATED_USAGE, 0L));
        assertThat(text(HintKind.SHORT_PROMPTS_ON_EXPENSIVE_MODEL)).isEqualTo(
                "Short prompts (< 500 input tokens): anthropic/claude-opus-4-1 took 99.4% of their spend ($0.0435 for"
                        + " 3 calls, $0.0145 per call). openai/gpt-4o-mini, the cheapest model used for such calls"
                        + " (4 calls, $0.00006862 per call; $0.15 per million input and $0.60 per million output"
                        + " tokens as billed), would have done them for $0.000375: a saving of $0.04312 (18.9% of"
                        + " the week's spend) where its quality is enough.");
        assertThat(text(HintKind.REPEATED_PROMPTS)).startsWith(
                "3 calls repeated an earlier call of the same user with the same model and the same input-token"
                        + " count (≥ 100 tokens; 1 group): most likely identical prompts. A response cache would have"
                        + " saved up to $0.018 (7.9% of the week's spend).");
        assertThat(text(HintKind.NON_PRODUCTION_SPEND)).contains("cost $0.03375 over 5 requests: 14.8% of");
        assertThat(text(HintKind.UNKNOWN_MODELS)).contains("1 request (5.9% of all)", "openai/gpt-9-preview (1)");
        assertThat(text(HintKind.NO_USAGE)).startsWith("1 request carried no usage");
        assertThat(text(HintKind.ESTIMATED_USAGE)).startsWith("1 request ($0.00045, 0.2% of spend)");
    }

    @Test
    void noHintWithoutDataSupportingIt() {
        // W46: one short Opus call only, no repeats, production only, everything priced from reported usage.
        assertThat(w46.hints()).isEmpty();
        // W45: one model only, 21 different input-token counts, production only.
        assertThat(w45.hints()).isEmpty();
        assertThat(report(IsoWeek.parse("2026-W44")).hints()).isEmpty();
    }

    private static String text(HintKind kind) {
        return w47.hints().stream().filter(h -> h.kind() == kind).findFirst().orElseThrow().text();
    }

    // --- renderings --------------------------------------------------------------------------------------

    @Test
    void textRendering() throws Exception {
        String text = w47.render(ReportFormat.TEXT);
        save("weekly-2026-W47.txt", text);
        assertThat(text).startsWith("costpipe weekly cost report: 2026-W47 (Mon 16 Nov 2026 to Sun 22 Nov 2026, UTC)\n");
        assertThat(text).contains(
                "  Total spend      $0.228  (17 requests, 15 priced; 6 users, 7 sessions)\n",
                "  Previous week    $0.1268  (2026-W46, 4 requests)\n",
                "  Week over week   +$0.1012 (+79.9%)\n",
                "  support-chat: $0.01288 on average with 1.8 calls",
                "  Response cache   1 of 17 requests served from cache (5.9%), saved $0.004\n",
                "  Unknown models   1 request: openai/gpt-9-preview (1)\n",
                "  1. Short prompts on anthropic/claude-opus-4-1 (save up to $0.04312)\n",
                "  2. Repeated prompts (save up to $0.018)\n");
        for (String section : List.of("SUMMARY", "DAILY SPEND", "SPEND BY PROPERTY", "SPEND BY MODEL",
                "SPEND BY PROVIDER", "TOP USERS", "TOP SESSIONS", "COST PER SESSION NAME", "CACHING",
                "UNPRICED REQUESTS", "TOP 10 REQUESTS", "HINTS")) {
            assertThat(text).contains("\n" + section + "\n");
        }
        assertThat(text.lines().filter(l -> l.matches("  (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \\d+ Nov .*"))).hasSize(7);
    }

    @Test
    void markdownRendering() throws Exception {
        String md = w47.render(ReportFormat.MARKDOWN);
        save("weekly-2026-W47.md", md);
        assertThat(md).startsWith("# LLM spend, week 2026-W47\n");
        assertThat(md).contains("| **Total spend** | **$0.228** |", "| Week over week | +\\$0.1012 (+79.9%) |",
                "## Hints", "## Daily spend", "| Sun 22 Nov | $0.1504 | 2 | $0.105 |", "### Environment",
                "| production | $0.1942 | 85.2% | 11 |", "## Spend by model", "| anthropic/claude-opus-4-1 |",
                "## Top users", "## Top sessions",
                "| support-chat | 4 | 1.8 | $0.01288 | $0.033 | $0.033 | $0.0515 |",
                "## Caching", "## Unpriced requests", "## Top 10 requests");
        // Every table row has as many cells as its header.
        assertThat(md.lines().filter(l -> l.startsWith("|")).allMatch(l -> l.endsWith("|"))).isTrue();
    }

    @Test
    void jsonRendering() throws Exception {
        String json = w47.render(ReportFormat.JSON);
        save("weekly-2026-W47.json", json);
        JsonNode root = Rows.MAPPER.readTree(json);
        assertThat(root.path("week").asText()).isEqualTo("2026-W47");
        assertThat(root.path("total").path("cost_nano_usd").asLong()).isEqualTo(W47_TOTAL);
        assertThat(root.path("total").path("cost_usd").asText()).isEqualTo("0.227974500");
        assertThat(root.path("week_over_week").path("absolute_usd").asText()).isEqualTo("0.101224500");
        assertThat(root.path("week_over_week").path("percent").asText()).isEqualTo("79.9");
        assertThat(root.path("daily")).hasSize(7);
        assertThat(root.path("by_property").get(0).path("values").get(0).path("cost_usd").asText())
                .isEqualTo("0.194224500");
        assertThat(root.path("session_names").get(1).path("average_cost_nano_usd").asLong()).isEqualTo(12_876_250L);
        assertThat(root.path("top_requests")).hasSize(10);
        assertThat(root.path("hints").get(0).path("kind").asText()).isEqualTo("short_prompts_on_expensive_model");
        assertThat(root.path("hints").get(0).path("saving_usd").asText()).isEqualTo("0.043125000");
        assertThat(root.path("unpriced").path("unknown_models").get(0).path("model").asText())
                .isEqualTo("gpt-9-preview");
    }

    @Test
    void htmlRenderingHasTheChartWithOneBarPerDay() throws Exception {
        String html = w47.render(ReportFormat.HTML);
        save("weekly-2026-W47.html", html);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "</svg>", "</html>");
        Matcher bars = Pattern.compile("<rect class=\"bar\"[^>]*data-date=\"([0-9-]+)\" data-cost-usd=\"([0-9.]+)\"")
                .matcher(html);
        List<String> found = new ArrayList<>();
        while (bars.find()) {
            found.add(bars.group(1) + "=" + bars.group(2));
        }
        assertThat(found).containsExactly("2026-11-16=0.033000000", "2026-11-17=0.010620000",
                "2026-11-18=0.000135000", "2026-11-19=0.026019500", "2026-11-20=0.007750000",
                "2026-11-21=0.000000000", "2026-11-22=0.150450000");
        assertThat(html).contains(">Mon</text>", ">16 Nov</text>", ">$0.1504</text>", "previous week (2026-W46)");
        assertThat(html).contains("<div class=\"value\">$0.228</div>", "<div class=\"value up\">+79.9%</div>");
        assertThat(html).doesNotContain("<script");
    }

    @Test
    void renderingsEscapeDataValues() {
        WeeklyReport w48 = report(IsoWeek.parse("2026-W48"));
        String html = w48.render(ReportFormat.HTML);
        assertThat(html).doesNotContain("<script>", "<b>")
                .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", "bad|name\\nsecond line");
        String md = w48.render(ReportFormat.MARKDOWN);
        assertThat(md).contains("bad\\|name\\\\nsecond line").doesNotContain("<script>");
        String text = w48.render(ReportFormat.TEXT);
        assertThat(text).contains("bad|name\\nsecond line").doesNotContain("name\nsecond");
        assertThat(w48.render(ReportFormat.JSON)).contains("\"session_name\" : \"bad|name\\nsecond line\"");
    }

    @Test
    void anEmptyWeekRendersInEveryFormat() {
        WeeklyReport empty = report(IsoWeek.parse("2026-W40"));
        assertThat(empty.total().requests()).isZero();
        assertThat(empty.daily()).hasSize(7).allMatch(d -> d.costNanoUsd() == 0);
        for (ReportFormat format : ReportFormat.values()) {
            assertThat(empty.render(format)).isNotBlank();
        }
        assertThat(empty.render(ReportFormat.HTML)).containsPattern("(<rect class=\"bar\"[^>]*>[\\s\\S]*){7}");
        assertThat(empty.render(ReportFormat.TEXT)).contains("Week over week   $0.00 (n/a: nothing spent the previous week)");
    }

    @Test
    void runRendersTheRequestedFormat() {
        String json = WeeklyReport.run(reader(),
                new WeeklyReport.Options(CostTable.of(database), IsoWeek.parse("2026-W46"), ReportFormat.JSON), clock());
        assertThat(json).contains("\"week\" : \"2026-W46\"", "\"cost_usd\" : \"0.126750000\"");
    }

    private static void save(String name, String content) throws Exception {
        Path dir = Path.of("target", "report-samples");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), content);
    }
}
