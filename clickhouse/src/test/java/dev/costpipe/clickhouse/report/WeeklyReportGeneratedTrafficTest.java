package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.CostRows.row;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.summingLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.clickhouse.report.WeeklyReport.Day;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report's SQL against a plain Java computation over the same ~3,000 generated requests (two weeks of
 * seeded random traffic, 5% of them delivered twice): the two must agree to the nano-USD. Also leaves a
 * realistic HTML report in {@code target/report-samples/weekly-generated.html}.
 */
class WeeklyReportGeneratedTrafficTest {

    static final IsoWeek WEEK = IsoWeek.parse("2026-W47");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** provider, model, pricing key, nano-USD per input token, per output token. */
    private record Model(String provider, String model, String key, long input, long output) {
    }

    private static final List<Model> MODELS = List.of(
            new Model("anthropic", "claude-opus-4-1", "anthropic/claude-opus-4-1", 15_000, 75_000),
            new Model("anthropic", "claude-sonnet-4-5", "anthropic/claude-sonnet-4-5", 3_000, 15_000),
            new Model("openai", "gpt-4o", "openai/gpt-4o", 2_500, 10_000),
            new Model("openai", "gpt-4o-mini", "openai/gpt-4o-mini", 150, 600),
            new Model("google", "gemini-2.5-flash", "google/gemini-2.5-flash", 300, 2_500));
    private static final List<String> SESSION_NAMES = List.of("support-chat", "code-review", "summarize", "agent-run");

    private static ClickHouseTestServer server;
    private static String database;
    private static final List<Row> unique = new ArrayList<>();
    private static WeeklyReport report;

    @BeforeAll
    static void load() throws Exception {
        server = ClickHouseTestServer.shared();
        database = CostRows.createDatabase(server, "generated");
        unique.addAll(traffic());
        CostRows.insert(server, database, unique);
        CostRows.insert(server, database, redelivered(unique)); // FINAL must not count them twice
        report = WeeklyReport.generate(ClickHouseReader.of(server.client()),
                new WeeklyReport.Options(CostTable.of(database), WEEK, ReportFormat.HTML),
                Clock.fixed(Instant.parse("2026-11-24T07:00:00Z"), ZoneOffset.UTC));
        Path dir = Path.of("target", "report-samples");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("weekly-generated.html"), report.render(ReportFormat.HTML));
        Files.writeString(dir.resolve("weekly-generated.txt"), report.render(ReportFormat.TEXT));
        Files.writeString(dir.resolve("weekly-generated.md"), report.render(ReportFormat.MARKDOWN));
    }

    /** Two weeks of seeded traffic (~2,500 requests) ending with {@link #WEEK}: the same rows on every call. */
    static List<Row> traffic() {
        List<Row> unique = new ArrayList<>();
        Random random = new Random(20261116L);
        LocalDateTime start = WEEK.previous().monday().atStartOfDay();
        for (int i = 0; i < 3_000; i++) {
            LocalDateTime time = start.plusSeconds(random.nextInt(14 * 24 * 3600));
            // Weekdays busier than weekends; this week 30% busier than the last.
            if (time.getDayOfWeek().getValue() >= 6 && random.nextInt(3) > 0
                    || time.isBefore(WEEK.monday().atStartOfDay()) && random.nextInt(10) < 3) {
                continue;
            }
            Model model = MODELS.get(weighted(random, 8, 20, 25, 35, 12));
            String user = String.format("user-%02d", 1 + (int) Math.abs(random.nextGaussian() * 8) % 30);
            int sessionNumber = random.nextInt(400);
            String env = random.nextInt(10) < 8 ? "production" : random.nextBoolean() ? "staging" : "development";
            long input = 200 + random.nextInt(random.nextInt(10) == 0 ? 40_000 : 4_000);
            long output = 50 + random.nextInt(1_500);
            Row row = row("g-" + i, TIME.format(time)).model(model.provider(), model.model(), model.key())
                    .user(user).session("sess-" + sessionNumber, SESSION_NAMES.get(sessionNumber % 4), "/step")
                    .property("Environment", env).property("Team", sessionNumber % 3 == 0 ? "search" : "support")
                    .tokens(input, output);
            if (random.nextInt(25) == 0) {
                row.cacheHit(input * model.input() + output * model.output());
            } else {
                row.cost("input", input * model.input(), "output", output * model.output());
            }
            unique.add(row);
        }
        return unique;
    }

    /** Every 20th row: the re-deliveries the test inserts after the rows. */
    static List<Row> redelivered(List<Row> rows) {
        List<Row> again = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 20) {
            again.add(rows.get(i));
        }
        return again;
    }

    @AfterAll
    static void drop() {
        CostRows.dropDatabase(server, database);
    }

    private static int weighted(Random random, int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int pick = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    private static List<Row> in(IsoWeek week) {
        String from = TIME.format(week.monday().atStartOfDay());
        String to = TIME.format(week.monday().plusDays(7).atStartOfDay());
        return unique.stream().filter(r -> r.timestamp.compareTo(from) >= 0 && r.timestamp.compareTo(to) < 0).toList();
    }

    private static long cost(List<Row> rows) {
        return rows.stream().mapToLong(r -> r.costNanoUsd).sum();
    }

    @Test
    void totalsAndChangeMatchJava() {
        List<Row> week = in(WEEK);
        List<Row> previous = in(WEEK.previous());
        assertThat(report.total().requests()).isEqualTo(week.size());
        assertThat(report.total().costNanoUsd()).isEqualTo(cost(week));
        assertThat(report.previousTotal().costNanoUsd()).isEqualTo(cost(previous));
        assertThat(report.change().absoluteNanoUsd()).isEqualTo(cost(week) - cost(previous));
        assertThat(report.change().percent()).isEqualTo(Usd.percent(cost(week) - cost(previous), cost(previous)));
        assertThat(report.cache().cacheHits()).isEqualTo(week.stream().filter(r -> r.cacheHit).count());
        assertThat(report.cache().responseCacheSavingsNanoUsd())
                .isEqualTo(week.stream().filter(r -> r.cacheHit).mapToLong(r -> r.cacheSavingsNanoUsd).sum());
    }

    @Test
    void dailyModelsUsersAndPropertiesMatchJava() {
        List<Row> week = in(WEEK);
        Map<String, Long> byDay = new TreeMap<>(week.stream()
                .collect(groupingBy(r -> r.timestamp.substring(0, 10), summingLong(r -> r.costNanoUsd))));
        assertThat(report.daily()).extracting(d -> d.date().toString(), Day::costNanoUsd)
                .containsExactlyElementsOf(byDay.entrySet().stream()
                        .map(e -> org.assertj.core.groups.Tuple.tuple(e.getKey(), e.getValue())).toList());

        Map<String, Long> byModel = week.stream().collect(groupingBy(r -> r.modelKey, summingLong(r -> r.costNanoUsd)));
        assertThat(report.byModel()).hasSize(byModel.size())
                .allSatisfy(s -> assertThat(s.costNanoUsd()).isEqualTo(byModel.get(s.name())));
        assertThat(report.byModel()).extracting(WeeklyReport.Spend::costNanoUsd)
                .isSortedAccordingTo(Comparator.reverseOrder());

        Map<String, Long> byUser = week.stream().collect(groupingBy(r -> r.userId, summingLong(r -> r.costNanoUsd)));
        List<String> top = byUser.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(5).map(Map.Entry::getKey).toList();
        assertThat(report.topUsers()).extracting(WeeklyReport.UserSpend::userId).containsExactlyElementsOf(top);
        assertThat(report.topUsers()).allSatisfy(u -> assertThat(u.costNanoUsd()).isEqualTo(byUser.get(u.userId())));

        Map<String, Long> byEnv = week.stream()
                .collect(groupingBy(r -> r.properties.get("Environment"), summingLong(r -> r.costNanoUsd)));
        assertThat(report.byProperty().stream().filter(g -> g.name().equals("Environment")).findFirst().orElseThrow()
                .values()).allSatisfy(v -> assertThat(v.costNanoUsd()).isEqualTo(byEnv.get(v.value())));
    }

    @Test
    void sessionNameStatsMatchJava() {
        List<Row> week = in(WEEK);
        for (WeeklyReport.SessionNameStats stats : report.sessionNames()) {
            Map<String, Long> perSession = week.stream().filter(r -> r.sessionName.equals(stats.sessionName()))
                    .collect(groupingBy(r -> r.sessionId, summingLong(r -> r.costNanoUsd)));
            List<Long> sorted = perSession.values().stream().sorted().toList();
            int rank = (int) Math.ceil(0.95 * sorted.size()); // nearest rank
            assertThat(stats.sessions()).isEqualTo(sorted.size());
            assertThat(stats.p95NanoUsd()).isEqualTo(sorted.get(rank - 1));
            assertThat(stats.maxNanoUsd()).isEqualTo(sorted.get(sorted.size() - 1));
            assertThat(stats.averageNanoUsd())
                    .isEqualTo(Usd.divide(sorted.stream().mapToLong(Long::longValue).sum(), sorted.size()));
        }
        assertThat(report.sessionNames()).hasSize(4);
    }

    @Test
    void topRequestsMatchJava() {
        List<String> expected = in(WEEK).stream()
                .sorted(Comparator.<Row>comparingLong(r -> r.costNanoUsd).reversed()
                        .thenComparing(r -> r.requestId))
                .limit(10).map(r -> r.requestId).toList();
        assertThat(report.topRequests()).extracting(WeeklyReport.ExpensiveRequest::requestId)
                .containsExactlyElementsOf(expected);
    }
}
