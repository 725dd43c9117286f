package dev.costpipe.clickhouse.report;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Shared wording and escaping for the text and Markdown renderings. */
final class Display {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_YEAR = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);

    private Display() {}

    /** {@code Mon 16 Nov} */
    static String day(LocalDate date) {
        return DAY.format(date);
    }

    /** {@code Mon 16 Nov 2026} */
    static String dayYear(LocalDate date) {
        return DAY_YEAR.format(date);
    }

    /** {@code 2026-W47 (Mon 16 Nov 2026 to Sun 22 Nov 2026, UTC)} */
    static String weekSpan(IsoWeek week) {
        return week + " (" + dayYear(week.monday()) + " to " + dayYear(week.sunday()) + ", UTC)";
    }

    /**
     * A data value (user id, session name, property value…) made safe for one line of a terminal or a
     * table cell: control characters are shown escaped ({@code \n}, {@code \x00}), long values are cut with an
     * ellipsis, the empty string is shown as {@code empty}.
     */
    static String value(String raw, int maxLength, String empty) {
        if (raw == null || raw.isEmpty()) {
            return empty;
        }
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            if (count >= maxLength) {
                out.append('…');
                break;
            }
            switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029
                            || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
                        // C0/C1 controls, line separators and bidi overrides could rearrange what a reader sees.
                        out.append(String.format("\\u%04X", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
            count++;
        }
        return out.toString();
    }

    /** {@link #value} with 60 characters and {@code (none)}. */
    static String value(String raw) {
        return value(raw, 60, "(none)");
    }

    /** A value as a Markdown table cell or inline text: {@link #value} then Markdown and HTML specials escaped. */
    static String markdown(String raw) {
        return markdownText(value(raw));
    }

    /** Escapes Markdown (and inline HTML) specials of text that is already one line. */
    static String markdownText(String line) {
        StringBuilder out = new StringBuilder();
        for (char c : line.toCharArray()) {
            switch (c) {
                case '\\', '`', '*', '_', '[', ']', '|', '~', '$', '>', '<', '&' ->
                        out.append(c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : "\\" + c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Escapes text for HTML element content and double-quoted attribute values. */
    static String html(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(raw.length() + 16);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A data value for HTML: {@link #value} (controls shown escaped, cut) then {@link #html}. */
    static String htmlValue(String raw) {
        return html(value(raw));
    }

    /** Wraps {@code text} at spaces to lines of at most {@code width} characters, each prefixed by {@code indent}. */
    static String wrap(String text, int width, String indent) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                out.append(indent).append(line).append('\n');
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            out.append(indent).append(line).append('\n');
        }
        return out.toString();
    }
}
