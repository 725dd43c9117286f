package dev.costpipe.clickhouse.sink;

import java.util.List;

/** The tables the sink writes, each fed by one topic, with the conversion of a record value into its row. */
public enum SinkTable {
  REQUEST_COSTS("request_costs", SinkRows.COST_COLUMNS) {
    @Override
    Object[] rowValues(byte[] value, long ingestedAt) throws InvalidRecordException {
      return SinkRows.costRecord(value, ingestedAt);
    }
  },
  COST_AGGREGATES("cost_aggregates", SinkRows.AGGREGATE_COLUMNS) {
    @Override
    Object[] rowValues(byte[] value, long ingestedAt) throws InvalidRecordException {
      return SinkRows.aggregate(value, ingestedAt);
    }
  },
  COST_ALERTS("cost_alerts", SinkRows.ALERT_COLUMNS) {
    @Override
    Object[] rowValues(byte[] value, long ingestedAt) throws InvalidRecordException {
      return SinkRows.alert(value, ingestedAt);
    }
  };

  private final String tableName;
  private final List<String> columns;

  SinkTable(String tableName, List<String> columns) {
    this.tableName = tableName;
    this.columns = columns;
  }

  /** The table's name without the database. */
  public String tableName() {
    return tableName;
  }

  /** The columns the sink writes, in the order of a row's values. */
  List<String> columns() {
    return columns;
  }

  /** A record value's row ({@link RowValues}), {@code ingestedAt} in epoch seconds: what the sink writes. */
  abstract Object[] rowValues(byte[] value, long ingestedAt) throws InvalidRecordException;

  /** A row's values as its JSONEachRow line. */
  byte[] json(Object[] values) {
    return RowJson.line(columns, values);
  }

  /**
   * One JSONEachRow line for this table, {@code ingestedAt} in epoch seconds: the values the sink writes (the
   * benchmark feeds the same lines to {@code clickhouse-client}).
   */
  public byte[] row(byte[] value, long ingestedAt) throws InvalidRecordException {
    return json(rowValues(value, ingestedAt));
  }
}
