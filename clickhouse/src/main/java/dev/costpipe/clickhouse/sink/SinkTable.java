package dev.costpipe.clickhouse.sink;

/** The tables the sink writes, each fed by one topic, with the conversion of a record value into its row. */
public enum SinkTable {
  REQUEST_COSTS("request_costs") {
    @Override
    public byte[] row(byte[] value, long ingestedAt) throws InvalidRecordException {
      return SinkRows.costRecord(value, ingestedAt);
    }
  },
  COST_AGGREGATES("cost_aggregates") {
    @Override
    public byte[] row(byte[] value, long ingestedAt) throws InvalidRecordException {
      return SinkRows.aggregate(value, ingestedAt);
    }
  },
  COST_ALERTS("cost_alerts") {
    @Override
    public byte[] row(byte[] value, long ingestedAt) throws InvalidRecordException {
      return SinkRows.alert(value, ingestedAt);
    }
  };

  private final String tableName;

  SinkTable(String tableName) {
    this.tableName = tableName;
  }

  /** The table's name without the database. */
  public String tableName() {
    return tableName;
  }

  /**
   * One JSONEachRow line for this table, {@code ingestedAt} in epoch seconds: exactly what the sink sends (the
   * benchmark feeds the same lines to {@code clickhouse-client}).
   */
  public abstract byte[] row(byte[] value, long ingestedAt) throws InvalidRecordException;
}
