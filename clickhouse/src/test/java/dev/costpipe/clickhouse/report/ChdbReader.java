package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.testsupport.ChdbEngine;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ClickHouseReader} over ClickHouse 26 in chDB: the report's and {@code costpipe query}'s SQL run there as
 * on a server. chDB's one connection keeps temporary tables from statement to statement, so it is its own
 * {@link #session()} (the report drops its temporary tables when done); statements run one at a time.
 */
public final class ChdbReader implements ClickHouseReader {
    private final ChdbEngine engine;

    public ChdbReader(ChdbEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<ObjectNode> select(String sql) {
        String output;
        try {
            output = engine.run(sql, "JSONEachRow");
        } catch (IllegalStateException e) {
            throw new ReportException(e.getMessage(), e);
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                rows.add(Rows.jsonEachRow(line, sql));
            } catch (JsonProcessingException e) {
                throw new ReportException("not a JSONEachRow line: " + line + "\nSQL: " + sql, e);
            }
        }
        return rows;
    }

    @Override
    public ClickHouseReader session() {
        return this;
    }
}
