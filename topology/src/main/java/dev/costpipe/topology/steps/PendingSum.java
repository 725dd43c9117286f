package dev.costpipe.topology.steps;

import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.serde.BinarySerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

/**
 * A sum of contributions {@link CombineStep} has not sent yet, with the earliest time of its contributions (the
 * time it is sent with). The time is part of the value, not the record's: the store's changelog is kept by append
 * time, so a restored record's own time is when it was written, not when its requests happened.
 */
record PendingSum(long earliestMs, CostTotals sum) {
  static Serde<PendingSum> serde() {
    return BinarySerde.of("pending contribution sum", (p, out) -> {
      out.writeLong(p.earliestMs());
      p.sum().write(out);
    }, in -> new PendingSum(in.readLong(), CostTotals.read(in)), json -> {
      throw new SerializationException("a pending contribution sum is never JSON");
    });
  }
}
