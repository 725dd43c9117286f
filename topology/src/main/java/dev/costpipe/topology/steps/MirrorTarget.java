package dev.costpipe.topology.steps;

import java.util.Map;

/** What a {@link GlobalTableMirror} keeps in step with its compacted topic. */
public interface MirrorTarget<V> {

  /** The whole table, after a restore. */
  void replaceAll(Map<String, V> table);

  void put(String key, V value);

  void remove(String key);
}
