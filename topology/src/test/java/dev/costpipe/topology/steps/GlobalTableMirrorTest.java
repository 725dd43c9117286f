package dev.costpipe.topology.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The mirror changes its target before its store, for a put and for a delete: whoever reads the target once the
 * store shows a change (the budget endpoints) sees that change.
 */
class GlobalTableMirrorTest {
  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
  private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore("table"), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
  /** What the store held for a key when the target was told of its change. */
  private final List<String> seen = new ArrayList<>();

  private final MirrorTarget<String> target = new MirrorTarget<>() {
    @Override
    public void replaceAll(Map<String, String> table) {
      seen.add("all " + table);
    }

    @Override
    public void put(String key, String value) {
      seen.add("put " + key + "=" + value + ", store: " + stored(key));
    }

    @Override
    public void remove(String key) {
      seen.add("remove " + key + ", store: " + stored(key));
    }
  };

  private String stored(String key) {
    byte[] v = store.get(key);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  private void send(GlobalTableMirror<String> mirror, String key, String value) {
    mirror.process(new Record<>(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), 0L));
  }

  @Test
  void theTargetChangesBeforeTheStore() {
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    GlobalTableMirror<String> mirror = new GlobalTableMirror<>("table", bytes -> {
      String s = new String(bytes, StandardCharsets.UTF_8);
      if (s.startsWith("bad")) {
        throw new IllegalArgumentException("unreadable");
      }
      return s;
    }, target);
    mirror.init(context);
    send(mirror, "a", "1");
    send(mirror, "a", "2");
    send(mirror, "a", "bad");
    send(mirror, "a", null);
    assertThat(seen).containsExactly("all {}", "put a=1, store: null", "put a=2, store: 1", "remove a, store: 2");
    assertThat(stored("a")).isNull();
  }
}
