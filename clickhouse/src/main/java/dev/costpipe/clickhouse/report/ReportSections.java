package dev.costpipe.clickhouse.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Runs a report's sections: those that read the session's temporary tables one after another on the session (a
 * ClickHouse session runs one query at a time), the others on the shared reader, from a second thread as soon as
 * they are added where the reader allows it ({@link ClickHouseReader#concurrent()}), and from this thread too once
 * the session's are done. On two cores one query rarely keeps both busy (the repeated-prompt hint, the longest, uses
 * 1.5), so the two streams overlap. Each section is one or a few queries whose answer does not depend on the
 * others' or on where it ran: the report is the one that running them in order gives, which is what happens
 * without a second thread.
 */
final class ReportSections implements AutoCloseable {
    private final ClickHouseReader shared;
    /** Runs sections from {@link #anywhere}; null: every section waits for {@link #run}. */
    private final ExecutorService sideBySide;
    private final Queue<Runnable> anywhere = new ConcurrentLinkedQueue<>();
    private final List<Function<ClickHouseReader, Runnable>> onSession = new ArrayList<>();
    /** Every section's answer: cancelled on close if never given. */
    private final List<CompletableFuture<?>> answers = new ArrayList<>();

    /** @param shared the reader the report was given: it reads whatever needs no session's table */
    ReportSections(ClickHouseReader shared) {
        this.shared = shared;
        this.sideBySide = shared.concurrent()
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread thread = new Thread(r, "costpipe-report-sections");
                    thread.setDaemon(true);
                    return thread;
                })
                : null;
    }

    /**
     * A section: {@code query} with the reader it must use, the session's where {@code needsSession} (it then
     * waits for {@link #run}), else the shared reader (from the second thread at once, where there is one;
     * otherwise in {@link #run}, in the order added). A section may wait for the answer of one added before it.
     */
    <T> CompletableFuture<T> add(boolean needsSession, Function<ClickHouseReader, T> query) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        answers.add(answer);
        if (needsSession) {
            onSession.add(session -> () -> give(answer, query, session));
        } else if (sideBySide == null) {
            onSession.add(session -> () -> give(answer, query, shared));
        } else {
            anywhere.add(() -> give(answer, query, shared));
            sideBySide.execute(this::drain);
        }
        return answer;
    }

    /**
     * Runs the sections that need {@code session}, in the order they were added, then helps with the others still
     * waiting; returns when every section has started here or elsewhere.
     */
    void run(ClickHouseReader session) {
        for (Function<ClickHouseReader, Runnable> section : onSession) {
            section.apply(session).run();
        }
        onSession.clear();
        drain();
    }

    private void drain() {
        Runnable section;
        while ((section = anywhere.poll()) != null) {
            section.run();
        }
    }

    private static <T> void give(CompletableFuture<T> answer, Function<ClickHouseReader, T> query,
            ClickHouseReader reader) {
        try {
            answer.complete(query.apply(reader));
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    /** A section's answer, once given (it waits for one still running); its failure rethrown as it was raised. */
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
     * instead of waiting forever) and stops the sections still running on the second thread. After a report there
     * is nothing left to cancel or stop.
     */
    @Override
    public void close() {
        answers.forEach(answer -> answer.cancel(false));
        if (sideBySide != null) {
            sideBySide.shutdownNow();
        }
    }
}
