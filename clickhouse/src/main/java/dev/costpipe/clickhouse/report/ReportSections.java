package dev.costpipe.clickhouse.report;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Runs a report's sections: those that read the session's temporary tables one after another on the session (a
 * ClickHouse session runs one query at a time), the others meanwhile on a second connection, where the reader
 * allows it ({@link ClickHouseReader#concurrent()}). On two cores a section rarely keeps both busy (the
 * repeated-prompt hint, the longest, uses 1.5), so the two streams overlap. Each section is one query over data
 * that does not depend on the others' results: the answers are those of running them in order, which is what
 * happens without a second connection.
 */
final class ReportSections implements AutoCloseable {
    private final ClickHouseReader session;
    /** Runs the sections that do not need the session, on the shared reader; null: everything on the session. */
    private final ExecutorService sideBySide;
    private final ClickHouseReader shared;
    private final List<Runnable> onSession = new ArrayList<>();
    /** The answers of the sections that wait for the session: cancelled on close if never given. */
    private final List<CompletableFuture<?>> waiting = new ArrayList<>();

    /**
     * @param session the reader holding the report's temporary tables (or the only reader there is)
     * @param shared a reader without a session, used from another thread where {@link ClickHouseReader#concurrent()}
     *     (its queries then see the same tables of the database, not the session's)
     */
    ReportSections(ClickHouseReader session, ClickHouseReader shared) {
        this.session = session;
        this.shared = shared;
        this.sideBySide = shared != session && shared.concurrent()
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread thread = new Thread(r, "costpipe-report-sections");
                    thread.setDaemon(true);
                    return thread;
                })
                : null;
    }

    /**
     * A section: {@code query} with the reader it must use. One that needs the session's tables waits for
     * {@link #runOnSession()}; the others start now on the second connection, or wait too where there is none.
     */
    <T> CompletableFuture<T> add(boolean needsSession, Function<ClickHouseReader, T> query) {
        if (sideBySide != null && !needsSession) {
            return CompletableFuture.supplyAsync(() -> query.apply(shared), sideBySide);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        onSession.add(() -> result.complete(query.apply(session)));
        waiting.add(result);
        return result;
    }

    /** Runs the sections that wait for the session, in the order they were added, on this thread. */
    void runOnSession() {
        for (Runnable section : onSession) {
            section.run();
        }
        onSession.clear();
    }

    /** A section's answer once {@link #runOnSession()} has run; its failure rethrown as it was raised. */
    static <T> T answer(CompletableFuture<T> section) {
        try {
            return section.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new ReportException("a report section failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new ReportException("a report section was cancelled", e);
        }
    }

    /**
     * After a failure: cancels the answers never given (a section waiting for one on the other thread then fails
     * instead of waiting forever) and stops the sections still running on the second connection. After a report
     * there is nothing left to stop.
     */
    @Override
    public void close() {
        waiting.forEach(answer -> answer.cancel(false));
        if (sideBySide != null) {
            sideBySide.shutdownNow();
        }
    }
}
