package dev.costpipe.topology.aggregate;

import dev.costpipe.engine.record.CostRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;

/**
 * Step 5a: one cost record → one contribution per dimension it belongs to: its user, session, each
 * property (as {@code name=value}), model, provider, and the total. Keyed for grouping.
 */
public final class DimensionSplit {
  private DimensionSplit() {}

  public static List<KeyValue<String, CostContribution>> of(CostRecord r) {
    List<KeyValue<String, CostContribution>> out = new ArrayList<>(5 + r.properties().size());
    add(out, Dimension.USER, r.userId(), r);
    add(out, Dimension.SESSION, r.sessionId(), r);
    r.properties().forEach((name, value) -> add(out, Dimension.PROPERTY, name + "=" + value, r));
    add(out, Dimension.MODEL, r.modelKey() != null ? r.modelKey() : r.model(), r);
    add(out, Dimension.PROVIDER, r.provider(), r);
    add(out, Dimension.TOTAL, "all", r);
    return out;
  }

  /** The grouping key: dimension and value, separated by a character neither contains. */
  public static String key(Dimension d, String value) {
    return d.wire() + '\u001f' + value;
  }

  private static void add(List<KeyValue<String, CostContribution>> out, Dimension d, String value, CostRecord r) {
    if (value != null && !value.isEmpty()) {
      out.add(KeyValue.pair(key(d, value), CostContribution.of(d, value, r)));
    }
  }
}
