package dev.costpipe.clickhouse.report;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Runs one read-only SELECT whose SQL ends in {@code FORMAT JSONEachRow} and returns its rows. The format
 * is written in the SQL because ClickHouse 18.16 ignores the client's format setting; 64-bit integers come
 * back as JSON strings (read them with {@link Rows}).
 *
 * <p>{@link #of(Client)} wraps a client-v2 client the caller owns; {@link #connect} opens one of its own.
 * Tests and other callers may pass any implementation (e.g. a lambda over a test server).
 */
@FunctionalInterface
public interface ClickHouseReader {

    /**
     * @param sql one SELECT ending in {@code FORMAT JSONEachRow}
     * @return its rows in order, each a JSON object with the columns in SELECT order
     * @throws ReportException when the query fails or its output is not JSONEachRow
     */
    List<ObjectNode> select(String sql);

    /**
     * A reader whose statements share one server session of its own (HTTP {@code session_id}), so that a
     * temporary table one creates is there for the next ({@code CREATE TEMPORARY TABLE} through {@link #select}
     * returns no rows); null when this reader has none. Its statements must not run concurrently (the server
     * locks a session to one query).
     */
    default ClickHouseReader session() {
        return null;
    }

    /**
     * Whether {@link #select} may be called from several threads at once, each call its own query (the report then
     * runs the sections that need no temporary table on a second connection, beside the session's); false unless
     * the implementation says so.
     */
    default boolean concurrent() {
        return false;
    }

    /** A reader over a client-v2 client that the caller owns and closes. */
    static ClickHouseReader of(Client client) {
        return new ClientV2Reader(client, false);
    }

    /**
     * Opens a client-v2 client configured the way that works on 18.16 and current servers (server response
     * compression off: with it 18.16 answers every SELECT with an empty body) and a reader over it; close it
     * when done.
     *
     * @param endpoint e.g. {@code http://localhost:8123}
     */
    static ClientV2Reader connect(String endpoint, String username, String password) {
        Client client = new Client.Builder()
                .addEndpoint(endpoint)
                .setUsername(username == null ? "default" : username)
                .setPassword(password == null ? "" : password)
                .compressServerResponse(false)
                .build();
        return new ClientV2Reader(client, true);
    }
}
