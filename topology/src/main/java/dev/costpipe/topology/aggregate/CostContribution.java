package dev.costpipe.topology.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.Usage;

/** What one cost record adds to an aggregate: the counted fields only, so repartitioning stays small. */
public record CostContribution(
    String dimension,
    String value,
    long costNanoUsd,
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    boolean cacheHit,
    long cacheSavingsNanoUsd,
    boolean unknownModel,
    boolean error,
    String sessionName,
    String sessionPath) {

  public static CostContribution of(Dimension dimension, String value, CostRecord r) {
    Usage u = r.usage();
    boolean session = dimension == Dimension.SESSION;
    return new CostContribution(dimension.wire(), value, r.costNanoUsd() == null ? 0 : r.costNanoUsd(),
        u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens() + u.cacheWrite1hTokens(),
        r.cacheHit(), r.cacheSavingsNanoUsd(), r.pricingStatus() == PricingStatus.UNKNOWN_MODEL,
        !r.errors().isEmpty(), session ? r.sessionName() : null, session ? r.sessionPath() : null);
  }

  public JsonNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("d", dimension).put("v", value).put("c", costNanoUsd).put("i", inputTokens).put("o", outputTokens)
        .put("cr", cacheReadTokens).put("cw", cacheWriteTokens).put("h", cacheHit).put("s", cacheSavingsNanoUsd)
        .put("u", unknownModel).put("e", error).put("sn", sessionName).put("sp", sessionPath);
    return o;
  }

  public static CostContribution fromTree(JsonNode o) {
    return new CostContribution(o.path("d").asText(), o.path("v").asText(), o.path("c").asLong(),
        o.path("i").asLong(), o.path("o").asLong(), o.path("cr").asLong(), o.path("cw").asLong(),
        o.path("h").asBoolean(), o.path("s").asLong(), o.path("u").asBoolean(), o.path("e").asBoolean(),
        o.hasNonNull("sn") ? o.get("sn").asText() : null, o.hasNonNull("sp") ? o.get("sp").asText() : null);
  }
}
