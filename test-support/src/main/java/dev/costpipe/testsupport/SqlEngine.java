package dev.costpipe.testsupport;

import java.util.List;
import java.util.Map;

/**
 * What a test needs of a ClickHouse to run SQL on it, whichever version it is: the 18.16 server
 * ({@link ClickHouseTestServer}) or ClickHouse 26 in chDB ({@link ChdbEngine}). A test written against it runs on
 * both.
 */
public interface SqlEngine {

  /** Runs one statement and discards any output; throws {@link IllegalStateException} with ClickHouse's error. */
  void execute(String sql);

  /**
   * Runs one SELECT whose SQL ends in {@code FORMAT JSONEachRow} and returns its rows, columns in SELECT order,
   * decimals as {@link java.math.BigDecimal}. 64-bit integers come as JSON strings from 18.16 and as numbers from
   * 26 (its default output_format_json_quote_64bit_integers is 0): compare them by {@code toString()}.
   */
  List<Map<String, Object>> query(String sql);
}
