package dev.costpipe.clickhouse.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.testsupport.ClickHouseTestServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The report's sections side by side on two connections give the report they give one after another on the
 * session, on {@link WeeklyReportTest}'s rows (a re-delivered request: the session's tables hold a row), both when
 * a report first stores its days' sums and when it reads them, with some days still summed from rows (the week is
 * not over: those sums are in the session's temporary tables, so the sections reading them stay on the session).
 */
class ReportSectionsTest {
    private static final IsoWeek W47 = IsoWeek.parse("2026-W47");
    /** Thursday of W47: its first four days are over (stored), the others summed from rows by each report. */
    private static final Clock MID_WEEK = Clock.fixed(Instant.parse("2026-11-20T12:00:00Z"), ZoneOffset.UTC);
    private static final Clock AFTER = Clock.fixed(Instant.parse("2026-11-25T08:30:00Z"), ZoneOffset.UTC);
    private static final String SECTIONS_THREAD = "costpipe-report-sections";

    private final ClickHouseTestServer server = ClickHouseTestServer.shared();

    @Test
    void sideBySideGivesTheSameReportAsOneAfterAnother() {
        String sequential = load();
        String sideBySide = load();
        try {
            List<String> inOrder = new ArrayList<>();
            List<String> overlapping = new ArrayList<>();
            // first reports (they store the days over), later ones (they read them), mid-week and after it
            for (Clock clock : List.of(MID_WEEK, MID_WEEK, AFTER, AFTER)) {
                for (IsoWeek week : List.of(W47, W47.previous())) {
                    Recording one = new Recording(ClickHouseReader.of(server.client()), false);
                    inOrder.add(report(one, sequential, week, clock));
                    assertThat(one.threads()).as("one after another").containsOnly(Thread.currentThread().getName());
                    Recording two = new Recording(ClickHouseReader.of(server.client()), true);
                    overlapping.add(report(two, sideBySide, week, clock));
                    assertThat(two.sessionThreads()).as("the session's queries, one after another on this thread")
                            .containsOnly(Thread.currentThread().getName());
                    assertThat(two.throughSession("AS group_count")).as("the repeated-prompt hint").isTrue();
                    assertThat(two.throughSession("AS session_key, max(session_name)")).as("top sessions")
                            .isEqualTo(week.equals(W47) && clock == MID_WEEK);
                    assertThat(two.throughSession("SELECT request_id, toUInt32(timestamp)")).as("top calls").isTrue();
                }
            }
            assertThat(overlapping).isEqualTo(inOrder);
            assertThat(inOrder.get(0)).contains("227974500");
        } finally {
            CostRows.dropDatabase(server, sequential);
            CostRows.dropDatabase(server, sideBySide);
        }
    }

    /** A section the session waits for runs meanwhile on the second thread, where the reader allows it. */
    @Test
    void theSectionsWithoutTheSessionRunMeanwhileOnASecondThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
        try (ReportSections sections = new ReportSections(new Recording(ClickHouseReader.of(server.client()), true))) {
            CompletableFuture<Boolean> waited = sections.add(true, r -> {
                try {
                    return started.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            CompletableFuture<Integer> meanwhile = sections.add(false, r -> {
                ranOn.add(Thread.currentThread().getName());
                started.countDown();
                return r.select("SELECT 1 AS x FORMAT JSONEachRow").size();
            });
            sections.run(sql -> List.of());
            assertThat(ReportSections.answer(waited)).isTrue();
            assertThat(ReportSections.answer(meanwhile)).isEqualTo(1);
            assertThat(ranOn).containsExactly(SECTIONS_THREAD);
        }
    }

    /** Without a second thread the sections run in the order added: one may wait for an earlier one's answer. */
    @Test
    void oneAfterAnotherASectionOnTheSessionWaitsForAnEarlierOne() {
        try (ReportSections sections = new ReportSections(new Recording(ClickHouseReader.of(server.client()), false))) {
            CompletableFuture<Integer> first = sections.add(false,
                    r -> r.select("SELECT 1 AS x FORMAT JSONEachRow").size());
            CompletableFuture<Integer> onSession = sections.add(true, r -> ReportSections.answer(first) + 1);
            sections.run(sql -> List.of());
            assertThat(ReportSections.answer(onSession)).isEqualTo(2);
        }
    }

    @Test
    void aFailingSectionFailsTheReportAndTheSectionsWaitingForIt() {
        ClickHouseReader session = sql -> {
            throw new ReportException("session failed");
        };
        Recording shared = new Recording(ClickHouseReader.of(server.client()), true);
        try (ReportSections sections = new ReportSections(shared)) {
            CompletableFuture<Object> onSession = sections.add(true, r -> r.select("SELECT 1 FORMAT JSONEachRow"));
            CompletableFuture<Integer> waiting = sections.add(false, r -> ReportSections.answer(onSession).hashCode());
            CompletableFuture<Integer> other = sections.add(false,
                    r -> r.select("SELECT 2 AS x FORMAT JSONEachRow").size());
            sections.run(session);
            assertThatThrownBy(() -> ReportSections.answer(onSession)).isInstanceOf(ReportException.class)
                    .hasMessage("session failed");
            assertThatThrownBy(() -> ReportSections.answer(waiting)).isInstanceOf(ReportException.class)
                    .hasMessage("session failed");
            assertThat(ReportSections.answer(other)).isEqualTo(1);
        }
    }

    @Test
    void aSectionNeverRunFailsOnClose() {
        Recording shared = new Recording(ClickHouseReader.of(server.client()), true);
        CompletableFuture<Integer> waiting;
        CompletableFuture<Object> neverRun;
        try (ReportSections sections = new ReportSections(shared)) {
            neverRun = sections.add(true, r -> r.select("SELECT 1 FORMAT JSONEachRow"));
            waiting = sections.add(false, r -> ReportSections.answer(neverRun).hashCode());
        }
        assertThatThrownBy(() -> ReportSections.answer(neverRun)).isInstanceOf(ReportException.class)
                .hasMessageContaining("cancelled");
        assertThatThrownBy(() -> ReportSections.answer(waiting)).isInstanceOf(ReportException.class);
    }

    private String load() {
        String db = CostRows.createDatabase(server, "sections");
        CostRows.insert(server, db, WeeklyReportTest.rows());
        CostRows.insert(server, db, List.of(WeeklyReportTest.r16().ingestedAt("2026-12-01 00:00:00")));
        return db;
    }

    private static String report(ClickHouseReader reader, String db, IsoWeek week, Clock clock) {
        return WeeklyReport.generate(reader, new WeeklyReport.Options(CostTable.of(db), week, ReportFormat.JSON), clock)
                .render(ReportFormat.JSON).replace(db, "DB");
    }

    /** A reader that notes which thread ran each query, through the session or not. */
    private static final class Recording implements ClickHouseReader {
        private final ClickHouseReader delegate;
        private final boolean concurrent;
        private final List<String[]> queries;
        private final boolean session;

        Recording(ClickHouseReader delegate, boolean concurrent) {
            this(delegate, concurrent, Collections.synchronizedList(new ArrayList<>()), false);
        }

        private Recording(ClickHouseReader delegate, boolean concurrent, List<String[]> queries, boolean session) {
            this.delegate = delegate;
            this.concurrent = concurrent;
            this.queries = queries;
            this.session = session;
        }

        @Override
        public List<com.fasterxml.jackson.databind.node.ObjectNode> select(String sql) {
            queries.add(new String[] {Thread.currentThread().getName(), sql, session ? "session" : ""});
            return delegate.select(sql);
        }

        @Override
        public ClickHouseReader session() {
            ClickHouseReader inner = delegate.session();
            return inner == null ? null : new Recording(inner, false, queries, true);
        }

        @Override
        public boolean concurrent() {
            return concurrent && delegate.concurrent();
        }

        List<String> threads() {
            synchronized (queries) {
                return queries.stream().map(q -> q[0]).distinct().toList();
            }
        }

        List<String> sessionThreads() {
            synchronized (queries) {
                return queries.stream().filter(q -> q[2].equals("session")).map(q -> q[0]).distinct().toList();
            }
        }

        /** Whether the queries containing {@code sqlPart} (at least one) went through the session (all or none). */
        boolean throughSession(String sqlPart) {
            synchronized (queries) {
                List<Boolean> matching = queries.stream().filter(q -> q[1].contains(sqlPart))
                        .map(q -> q[2].equals("session")).distinct().toList();
                assertThat(matching).as(sqlPart).hasSize(1);
                return matching.get(0);
            }
        }
    }
}
