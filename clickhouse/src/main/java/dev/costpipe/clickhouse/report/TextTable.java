package dev.costpipe.clickhouse.report;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns (numbers right-aligned), for terminals. */
final class TextTable {

    private final List<String> headers;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    /** Headers starting with {@code >} are right-aligned (the {@code >} is not shown). */
    TextTable(String... headers) {
        this.headers = new ArrayList<>();
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers.add(right[i] ? headers[i].substring(1) : headers[i]);
        }
    }

    TextTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        rows.add(List.of(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, each line prefixed by {@code indent}, ending with a newline. */
    String render(String indent) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = width(headers.get(i));
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], width(row.get(i)));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, indent, headers, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        line(out, indent, rule, widths);
        for (List<String> row : rows) {
            line(out, indent, row, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String indent, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String pad = " ".repeat(widths[i] - width(cell));
            if (i > 0) {
                line.append("  ");
            }
            line.append(right[i] ? pad + cell : cell + pad);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static int width(String text) {
        return text.codePointCount(0, text.length());
    }
}
