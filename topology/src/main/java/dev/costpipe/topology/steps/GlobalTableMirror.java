package dev.costpipe.topology.steps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor of a global store over a compacted topic ({@code llm.pricing}, {@code
 * llm.alert-rules}): stores each value (null deletes) and mirrors the table into an in-memory
 * {@link MirrorTarget} that stream threads and the budget endpoints read. On start it hands over the restored
 * table, since restoration does not pass through {@link #process}: before Kafka Streams starts its stream threads,
 * so before it can be RUNNING. An unreadable value is logged and ignored, keeping the previous one.
 */
public final class GlobalTableMirror<V> implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(GlobalTableMirror.class);

  private final String storeName;
  private final Function<byte[], V> parse;
  private final MirrorTarget<V> target;
  private KeyValueStore<String, byte[]> store;

  /** @param parse reads a value; throws IllegalArgumentException when it is unreadable */
  public GlobalTableMirror(String storeName, Function<byte[], V> parse, MirrorTarget<V> target) {
    this.storeName = storeName;
    this.parse = parse;
    this.target = target;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    Map<String, V> table = new LinkedHashMap<>();
    try (var it = store.all()) {
      it.forEachRemaining(kv -> {
        try {
          table.put(kv.key, parse.apply(kv.value));
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: value of {} is unreadable and not used: {}", storeName, kv.key, e.getMessage());
        }
      });
    }
    target.replaceAll(table);
    LOG.info("{}: {} entries loaded", storeName, table.size());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      LOG.warn("{}: record without key ignored", storeName);
      return;
    }
    // the target changes before the store, so it is never behind it: a budget check, which reads the target once
    // the store can be read, sees every change the store holds
    if (record.value() == null) {
      target.remove(record.key());
      store.delete(record.key());
      LOG.info("{}: {} deleted", storeName, record.key());
      return;
    }
    try {
      target.put(record.key(), parse.apply(record.value()));
      boolean changed = store.get(record.key()) != null;
      store.put(record.key(), record.value());
      // a change of what is in force is worth a line; a new key is not (a catalogue load adds hundreds)
      if (changed) {
        LOG.info("{}: {} updated", storeName, record.key());
      } else {
        LOG.debug("{}: {} added", storeName, record.key());
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("{}: {} is unreadable and ignored: {}", storeName, record.key(), e.getMessage());
    }
  }
}
