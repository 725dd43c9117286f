package dev.costpipe.topology.steps;

import dev.costpipe.topology.LateContributions;
import dev.costpipe.topology.aggregate.CostTotals;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Step 5b's gate: a sum of contributions whose windows all closed (ended before stream time minus the grace) is counted
 * and dropped here, by the task's stream time, which survives restarts (Kafka Streams commits it with the
 * offsets), where the window step's own drop goes by what it saw since it started.
 */
final class ClosedWindowFilter implements FixedKeyProcessor<String, CostTotals, CostTotals> {
  private final TimeWindows windows;
  private final LateContributions late;
  private FixedKeyProcessorContext<String, CostTotals> context;

  ClosedWindowFilter(TimeWindows windows, LateContributions late) {
    this.windows = windows;
    this.late = late;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, CostTotals> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, CostTotals> record) {
    long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
    long closeTime = streamTime - windows.gracePeriodMs();
    long latestStart = Long.MIN_VALUE;
    for (Window w : windows.windowsFor(record.timestamp()).values()) {
      if (w.end() > closeTime) {
        context.forward(record);
        return;
      }
      latestStart = Math.max(latestStart, w.start());
    }
    late.dropped(record.key(), latestStart, streamTime, record.value().version());
  }
}
