package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.ServerException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Sorts a failed ClickHouse request into "the data was refused" and "ClickHouse is not available".
 *
 * <p>Only an answer from the server can refuse data: a {@link ServerException} whose error code is one of
 * the parse / type / range errors below. Everything else is an outage and is retried, never dead-lettered:
 * no answer (connection refused or reset, timeout), HTTP 401/403/404/408/429/502/503/504 (authentication,
 * a missing table or database, overload, a proxy), and server errors about the server itself (memory,
 * too many parts, read-only table, shutting down, …).
 *
 * <p>ClickHouse 18.16 with client-v2 0.9.9 gives no error code at all ("Unreadable error message", code 0,
 * HTTP 500): such an answer counts as a refusal too, and the sink's diagnosis (a known-good row sent again,
 * bisection, "every row refused") tells bad rows from a broken table.
 */
final class ClickHouseErrors {
  enum Kind {
    /** ClickHouse is down, unreachable or unwell: wait and retry the same rows. */
    OUTAGE,
    /** The server refused the data (a parse/type/range error, or HTTP 500/400 without a code): a row, or the table. */
    REFUSED
  }

  /**
   * Error codes that mean "this data cannot go into this table" (ClickHouse's ErrorCodes): parse and
   * conversion errors, numbers out of range, array size mismatches, constraint violations, throwIf.
   */
  private static final Set<Integer> DATA_ERRORS = Set.of(
      6,    // CANNOT_PARSE_TEXT
      25,   // CANNOT_PARSE_ESCAPE_SEQUENCE
      26,   // CANNOT_PARSE_QUOTED_STRING
      27,   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
      38,   // CANNOT_PARSE_DATE
      41,   // CANNOT_PARSE_DATETIME
      53,   // TYPE_MISMATCH
      69,   // ARGUMENT_OUT_OF_BOUND (e.g. "Decimal value is too big")
      70,   // CANNOT_CONVERT_TYPE
      72,   // CANNOT_PARSE_NUMBER
      117,  // INCORRECT_DATA
      130,  // CANNOT_READ_ARRAY_FROM_TEXT
      131,  // TOO_LARGE_STRING_SIZE
      190,  // SIZES_OF_ARRAYS_DOESNT_MATCH
      321,  // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
      395,  // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
      407,  // DECIMAL_OVERFLOW
      469,  // VIOLATED_CONSTRAINT
      691); // UNKNOWN_ELEMENT_OF_ENUM

  private ClickHouseErrors() {}

  static Kind classify(Throwable failure) {
    ServerException server = serverException(failure);
    if (server == null) {
      return Kind.OUTAGE;
    }
    int http = server.getTransportProtocolCode();
    if (DATA_ERRORS.contains(server.getCode())) {
      return Kind.REFUSED;
    }
    if (server.getCode() == ServerException.CODE_UNKNOWN && (http == 500 || http == 400)) {
      return Kind.REFUSED;
    }
    return Kind.OUTAGE;
  }

  /** The server's answer in a failure chain, if the failure is one. */
  static ServerException serverException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ServerException s) {
        return s;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** A one-line description of a failure: the innermost useful message, without stack traces. */
  static String describe(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    ServerException server = serverException(t);
    if (server != null) {
      return "ClickHouse error " + server.getCode() + " (HTTP " + server.getTransportProtocolCode() + "): "
          + oneLine(server.getMessage());
    }
    StringBuilder out = new StringBuilder(t.getClass().getSimpleName()).append(": ").append(oneLine(t.getMessage()));
    Throwable cause = t.getCause();
    if (cause != null && cause != t && cause.getMessage() != null && !cause.getMessage().equals(t.getMessage())) {
      out.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(oneLine(cause.getMessage()))
          .append(')');
    }
    return out.toString();
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.replaceAll("\\s+", " ").strip();
    return line.length() > 500 ? line.substring(0, 500) + "…" : line;
  }
}
