package dev.costpipe.clickhouse.report;

import java.util.Locale;

/** How a weekly report is written. */
public enum ReportFormat {
    TEXT,
    MARKDOWN,
    JSON,
    HTML;

    /** {@code text}, {@code markdown} (or {@code md}), {@code json}, {@code html}; case-insensitive. */
    public static ReportFormat parse(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "text", "txt" -> TEXT;
            case "markdown", "md" -> MARKDOWN;
            case "json" -> JSON;
            case "html" -> HTML;
            default -> throw new IllegalArgumentException(
                    "report format must be text, markdown, json or html, got '" + name + "'");
        };
    }
}
