package dev.costpipe.topology.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventJson;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.topology.aggregate.CostContribution;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertWindowState;
import dev.costpipe.topology.steps.OpenRequest;
import dev.costpipe.topology.steps.ParsedEvent;
import org.apache.kafka.common.serialization.Serde;

/** The serdes of costpipe's topics and state stores, all JSON. */
public final class CostpipeSerdes {
  private CostpipeSerdes() {}

  public static Serde<CostRecord> costRecord() {
    return JsonSerde.of(CostRecordJson::toTree, CostRecordJson::fromTree);
  }

  /** An open request's events, in the envelope's own form, with its arrival times. */
  public static Serde<OpenRequest> openRequest() {
    return JsonSerde.of(o -> {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("request_id", o.partial().requestId());
      n.put("last_seen_stream_ms", o.lastSeenStreamMs());
      n.put("last_seen_wall_ms", o.lastSeenWallMs());
      o.partial().events().forEach(e -> n.withArray("events").add(RawEventJson.toTree(e)));
      return n;
    }, n -> {
      PartialRequest p = new PartialRequest(n.path("request_id").asText());
      for (JsonNode e : n.path("events")) {
        RawEvent event = RawEventParser.parse(e);
        p.add(event);
      }
      return new OpenRequest(p, n.path("last_seen_stream_ms").asLong(), n.path("last_seen_wall_ms").asLong());
    });
  }

  /** A parsed event crossing the re-keying repartition topic. */
  public static Serde<ParsedEvent> parsedEvent() {
    return JsonSerde.of(p -> RawEventJson.toTree(p.event()), n -> new ParsedEvent(RawEventParser.parse(n), null, true));
  }

  public static Serde<CostContribution> costContribution() {
    return JsonSerde.of(CostContribution::toTree, CostContribution::fromTree);
  }

  public static Serde<CostTotals> costTotals() {
    return JsonSerde.of(CostTotals::toTree, CostTotals::fromTree);
  }

  public static Serde<AlertContribution> alertContribution() {
    return JsonSerde.of(AlertContribution::toTree, AlertContribution::fromTree);
  }

  public static Serde<AlertWindowState> alertWindowState() {
    return JsonSerde.of(AlertWindowState::toTree, AlertWindowState::fromTree);
  }
}
