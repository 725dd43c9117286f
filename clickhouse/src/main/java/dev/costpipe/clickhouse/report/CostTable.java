package dev.costpipe.clickhouse.report;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the cost records are: a database and a table ({@code request_costs} by default), written into SQL
 * as {@code database.table}. Both must be plain identifiers ({@code [A-Za-z_][A-Za-z0-9_]*}): names are
 * checked, never quoted, so nothing but an identifier can reach the SQL through them.
 */
public record CostTable(String database, String table) {

    /** The sink's table name. */
    public static final String DEFAULT_TABLE = "request_costs";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,199}");

    public CostTable {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        requireIdentifier("database", database);
        requireIdentifier("table", table);
    }

    /** {@code database.request_costs}. */
    public static CostTable of(String database) {
        return new CostTable(database, DEFAULT_TABLE);
    }

    /** The fully qualified name for SQL (ClickHouse 18.16 ignores the client's default database). */
    public String qualifiedName() {
        return database + "." + table;
    }

    private static void requireIdentifier(String what, String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got '"
                    + name + "'");
        }
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
