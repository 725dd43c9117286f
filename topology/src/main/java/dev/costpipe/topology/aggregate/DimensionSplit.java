package dev.costpipe.topology.aggregate;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.steps.RevisedCost;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;

/**
 * Step 5a: one cost record → one contribution per dimension it belongs to: its user, session, each
 * property (as {@code name=value}), model, provider, and the total. Keyed for grouping. A revision first takes
 * back each contribution of the revision it replaces, under that one's dimension values (a late event may have
 * told the model, user or session).
 */
public final class DimensionSplit {
  private DimensionSplit() {}

  public static List<KeyValue<String, CostContribution>> of(RevisedCost c) {
    List<KeyValue<String, CostContribution>> out = new ArrayList<>();
    if (c.previous() != null) {
      split(out, c.previous(), true);
    }
    split(out, c.current(), false);
    return out;
  }

  public static List<KeyValue<String, CostContribution>> of(CostRecord r) {
    return of(new RevisedCost(null, r));
  }

  private static void split(List<KeyValue<String, CostContribution>> out, CostRecord r, boolean retraction) {
    add(out, Dimension.USER, r.userId(), r, retraction);
    add(out, Dimension.SESSION, r.sessionId(), r, retraction);
    r.properties().forEach((name, value) -> add(out, Dimension.PROPERTY, name + "=" + value, r, retraction));
    add(out, Dimension.MODEL, r.modelKey() != null ? r.modelKey() : r.model(), r, retraction);
    add(out, Dimension.PROVIDER, r.provider(), r, retraction);
    add(out, Dimension.TOTAL, "all", r, retraction);
  }

  /** The grouping key: dimension and value, separated by a character neither contains. */
  public static String key(Dimension d, String value) {
    return d.wire() + '\u001f' + value;
  }

  private static void add(List<KeyValue<String, CostContribution>> out, Dimension d, String value, CostRecord r,
      boolean retraction) {
    if (value != null && !value.isEmpty()) {
      CostContribution c = CostContribution.of(d, value, r);
      out.add(KeyValue.pair(key(d, value), retraction ? c.retracted() : c));
    }
  }
}
