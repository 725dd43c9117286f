package dev.costpipe.clickhouse.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns record values into rows of their tables ({@link SinkTable#rowValues}: parse, check), and each row into its
 * RowBinary bytes when its table's layout is known ({@link RowEncodings}; the values are dropped then), a large
 * poll on several threads: the conversion is most of the sink's CPU per record, and the consumer thread alone
 * could not keep up with the inserts in flight. The consumer thread converts too (it has nothing else to do meanwhile),
 * and every thread takes the next few records as it finishes, so a thread the machine runs less does not hold
 * the others up. Results come back in record order. Conversion is a pure function of the value, so the threads
 * share nothing.
 */
final class RowConverter {
  /** Fewer records are converted on the caller's thread: not worth a hand-off. */
  static final int PARALLEL_FROM = 256;
  /** Records a thread takes at a time. */
  private static final int CHUNK = 64;
  private static final ForkJoinPool THREADS = new ForkJoinPool(Math.max(1,
      Runtime.getRuntime().availableProcessors() - 1));

  /** Under half of G1's smallest region; one per thread, reused: a row is encoded in it, then copied out. */
  private static final ThreadLocal<RowBinaryOutput> SCRATCH =
      ThreadLocal.withInitial(() -> new RowBinaryOutput(RowBinaryOutput.CHUNK));

  private RowConverter() {}

  /**
   * A record's row: its RowBinary bytes in {@code encoding} (both null when the table's layout is not known, or a
   * value does not fit it: the row is read again and encoded, or written as JSON, at insert); or why it is none.
   */
  record Converted(RowBinaryRows encoding, byte[] rowBinary, InvalidRecordException invalid) {}

  /** A value to convert, or why it cannot be ({@link SinkValueFormat} already refused it). */
  record Value(SinkTable table, byte[] json, InvalidRecordException invalid) {}

  static List<Converted> rows(List<Value> values, long ingestedAt, RowEncodings encodings) {
    Converted[] out = new Converted[values.size()];
    AtomicInteger next = new AtomicInteger();
    Runnable work = () -> {
      for (int from; (from = next.getAndAdd(CHUNK)) < out.length; ) {
        for (int i = from; i < Math.min(out.length, from + CHUNK); i++) {
          out[i] = convert(values.get(i), ingestedAt, encodings);
        }
      }
    };
    List<Future<?>> helpers = new ArrayList<>();
    for (int t = 0; t < THREADS.getParallelism() && values.size() >= PARALLEL_FROM; t++) {
      helpers.add(THREADS.submit(work));
    }
    work.run();
    try {
      for (Future<?> helper : helpers) {
        helper.get(); // its results are visible once it is done
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    return Arrays.asList(out);
  }

  private static Converted convert(Value v, long ingestedAt, RowEncodings encodings) {
    if (v.invalid() != null) {
      return new Converted(null, null, v.invalid());
    }
    Object[] row;
    try {
      row = v.table().rowValues(v.json(), ingestedAt);
    } catch (InvalidRecordException e) {
      return new Converted(null, null, e);
    }
    RowBinaryRows encoding = encodings.current(v.table()).orElse(null);
    if (encoding == null) {
      return new Converted(null, null, null);
    }
    try {
      return new Converted(encoding, encoding.encodeRow(row, SCRATCH.get()), null);
    } catch (IOException e) {
      return new Converted(null, null, null); // its batch goes as JSON, as the inserter decides
    }
  }
}
