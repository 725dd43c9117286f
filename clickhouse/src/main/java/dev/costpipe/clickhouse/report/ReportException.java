package dev.costpipe.clickhouse.report;

/** A report or query could not be produced (ClickHouse failed, or answered something unexpected). */
public class ReportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
