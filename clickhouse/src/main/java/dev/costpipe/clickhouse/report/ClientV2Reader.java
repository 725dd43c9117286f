package dev.costpipe.clickhouse.report;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link ClickHouseReader} over a {@code com.clickhouse:client-v2} client. */
public final class ClientV2Reader implements ClickHouseReader, AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Client client;
    private final boolean owned;
    /** The server session every statement runs in, or null for none. */
    private final String sessionId;

    ClientV2Reader(Client client, boolean owned) {
        this(client, owned, null);
    }

    private ClientV2Reader(Client client, boolean owned, String sessionId) {
        this.client = Objects.requireNonNull(client, "client");
        this.owned = owned;
        this.sessionId = sessionId;
    }

    /** A reader over the same client in a new server session (a URL parameter, as ClickHouse's HTTP interface has it). */
    @Override
    public ClickHouseReader session() {
        return new ClientV2Reader(client, false, "costpipe-" + UUID.randomUUID());
    }

    /** client-v2 sends each query as its own HTTP request from a pool; a session's queries must not overlap. */
    @Override
    public boolean concurrent() {
        return sessionId == null;
    }

    @Override
    public List<ObjectNode> select(String sql) {
        QuerySettings settings = new QuerySettings();
        if (sessionId != null) {
            settings.serverSetting("session_id", sessionId);
        }
        try (QueryResponse response = client.query(sql, settings).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
             BufferedReader in = new BufferedReader(
                     new InputStreamReader(response.getInputStream(), StandardCharsets.UTF_8))) {
            List<ObjectNode> rows = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                // An error raised after the first block was sent arrives with HTTP 200, appended to the body.
                if (line.startsWith("Code: ")) {
                    throw new ReportException("ClickHouse failed mid-result: " + line + "\nSQL: " + sql);
                }
                rows.add(Rows.jsonEachRow(line, sql));
            }
            return rows;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportException("interrupted while querying ClickHouse", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ReportException("ClickHouse query failed: " + cause.getMessage() + "\nSQL: " + sql, cause);
        } catch (TimeoutException e) {
            throw new ReportException("ClickHouse query timed out after " + TIMEOUT + "\nSQL: " + sql, e);
        } catch (ReportException e) {
            throw e;
        } catch (IOException e) {
            throw new ReportException("cannot read ClickHouse's answer: " + e.getMessage() + "\nSQL: " + sql, e);
        } catch (Exception e) {
            // client-v2 throws its own unchecked exceptions (ServerException, ClientException) from get()/close().
            throw new ReportException("ClickHouse query failed: " + e.getMessage() + "\nSQL: " + sql, e);
        }
    }

    /** Closes the client if this reader opened it ({@link ClickHouseReader#connect}); otherwise nothing. */
    @Override
    public void close() {
        if (owned) {
            client.close();
        }
    }
}
