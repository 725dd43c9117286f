package dev.costpipe.clickhouse.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Turns record values into rows of their tables ({@link SinkTable#values}: parse, check), a large poll on
 * several threads: the conversion is most of the sink's CPU per record, and the consumer thread alone could not
 * keep up with the inserts in flight. Results come back in record order. Conversion is a pure function of the
 * value, so the threads share nothing.
 */
final class RowConverter {
  /** Fewer records are converted on the caller's thread: not worth a hand-off. */
  static final int PARALLEL_FROM = 256;
  private static final ForkJoinPool THREADS = new ForkJoinPool(Math.max(2,
      Runtime.getRuntime().availableProcessors()));

  private RowConverter() {}

  /** A record's row, or why it is none. */
  record Converted(Object[] row, InvalidRecordException invalid) {}

  /** A value to convert, or why it cannot be ({@link SinkValueFormat} already refused it). */
  record Value(SinkTable table, byte[] json, InvalidRecordException invalid) {}

  static List<Converted> rows(List<Value> values, long ingestedAt) {
    if (values.size() < PARALLEL_FROM) {
      List<Converted> out = new ArrayList<>(values.size());
      values.forEach(v -> out.add(convert(v, ingestedAt)));
      return out;
    }
    try {
      return THREADS.submit(() -> IntStream.range(0, values.size()).parallel()
          .mapToObj(i -> convert(values.get(i), ingestedAt)).toList()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  private static Converted convert(Value v, long ingestedAt) {
    if (v.invalid() != null) {
      return new Converted(null, v.invalid());
    }
    try {
      return new Converted(v.table().values(v.json(), ingestedAt), null);
    } catch (InvalidRecordException e) {
      return new Converted(null, e);
    }
  }
}
