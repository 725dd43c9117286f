package dev.costpipe.topology.serde;

import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.topology.aggregate.CostContribution;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertWindowState;
import dev.costpipe.topology.alert.RuleVersion;
import dev.costpipe.topology.steps.OpenRequest;
import dev.costpipe.topology.steps.ParsedEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The serdes of costpipe's topics and state stores: JSON for what users read, compact binary ({@link BinarySerde})
 * for the state and repartition records written for every event or contribution.
 */
public final class CostpipeSerdes {
  private CostpipeSerdes() {}

  public static Serde<CostRecord> costRecord() {
    return JsonSerde.of(CostRecordJson::toTree, CostRecordJson::fromTree);
  }

  public static Serde<OpenRequest> openRequest() {
    return BinarySerde.of("open request state", OpenRequestFormat.VERSION, OpenRequestFormat::write,
        OpenRequestFormat::read,
        OpenRequestFormat::fromJson, OpenRequestFormat::size);
  }

  /** A parsed event crossing the re-keying repartition topic: its original bytes, parsed again on the other side. */
  public static Serde<ParsedEvent> parsedEvent() {
    return Serdes.serdeFrom((topic, p) -> p == null ? null : p.original(),
        (topic, bytes) -> bytes == null ? null : new ParsedEvent(RawEventParser.parse(bytes), bytes, true));
  }

  public static Serde<CostContribution> costContribution() {
    return BinarySerde.of("cost contribution", CostContribution::write, CostContribution::read,
        CostContribution::fromTree);
  }

  /**
   * A sum of contributions crossing the {@code cost-by-dimension} repartition topic ({@link CostTotals#of}): written
   * as version 2, the totals' form; a single contribution written by an earlier version (version 1 or JSON) is read
   * as a sum of one, so the records in flight at an upgrade are counted.
   */
  public static Serde<CostTotals> contributionSum() {
    return BinarySerde.of("cost contribution", 2, CostTotals::write,
        (version, in) -> version == 1 ? CostTotals.of(CostContribution.read(in)) : CostTotals.read(in),
        json -> CostTotals.of(CostContribution.fromTree(json)), sum -> 128);
  }

  public static Serde<CostTotals> costTotals() {
    return BinarySerde.of("cost totals", CostTotals::write, CostTotals::read, CostTotals::fromTree);
  }

  public static Serde<AlertContribution> alertContribution() {
    return JsonSerde.of(AlertContribution::toTree, AlertContribution::fromTree);
  }

  public static Serde<AlertWindowState> alertWindowState() {
    return JsonSerde.of(AlertWindowState::toTree, AlertWindowState::fromTree);
  }

  public static Serde<RuleVersion> ruleVersion() {
    return JsonSerde.of(RuleVersion::toTree, RuleVersion::fromTree);
  }
}
