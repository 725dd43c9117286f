package dev.costpipe.topology.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.topology.serde.BinarySerde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What one cost record adds to an aggregate: the counted fields only, so repartitioning stays small. A
 * {@code retraction} takes back what an earlier revision of the request added (one request less, its amounts
 * subtracted); it is a flag of the binary form, so contributions written before it read as additions.
 */
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
    String sessionPath,
    boolean retraction) {

  public CostContribution(String dimension, String value, long costNanoUsd, long inputTokens, long outputTokens,
      long cacheReadTokens, long cacheWriteTokens, boolean cacheHit, long cacheSavingsNanoUsd, boolean unknownModel,
      boolean error, String sessionName, String sessionPath) {
    this(dimension, value, costNanoUsd, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheHit,
        cacheSavingsNanoUsd, unknownModel, error, sessionName, sessionPath, false);
  }

  /** This contribution taken back. */
  public CostContribution retracted() {
    return new CostContribution(dimension, value, costNanoUsd, inputTokens, outputTokens, cacheReadTokens,
        cacheWriteTokens, cacheHit, cacheSavingsNanoUsd, unknownModel, error, sessionName, sessionPath, true);
  }

  public static CostContribution of(Dimension dimension, String value, CostRecord r) {
    Usage u = r.usage();
    boolean session = dimension == Dimension.SESSION;
    return new CostContribution(dimension.wire(), value, r.costNanoUsd() == null ? 0 : r.costNanoUsd(),
        u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens() + u.cacheWrite1hTokens(),
        r.cacheHit(), r.cacheSavingsNanoUsd(), r.pricingStatus() == PricingStatus.UNKNOWN_MODEL,
        !r.errors().isEmpty(), session ? r.sessionName() : null, session ? r.sessionPath() : null);
  }

  public void write(DataOutput out) throws IOException {
    BinarySerde.writeString(out, dimension);
    BinarySerde.writeString(out, value);
    for (long n : new long[] {costNanoUsd, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
        cacheSavingsNanoUsd}) {
      out.writeLong(n);
    }
    out.writeByte((cacheHit ? 1 : 0) | (unknownModel ? 2 : 0) | (error ? 4 : 0) | (retraction ? 8 : 0));
    BinarySerde.writeString(out, sessionName);
    BinarySerde.writeString(out, sessionPath);
  }

  public static CostContribution read(DataInput in) throws IOException {
    String dimension = BinarySerde.readString(in);
    String value = BinarySerde.readString(in);
    long cost = in.readLong();
    long input = in.readLong();
    long output = in.readLong();
    long cacheRead = in.readLong();
    long cacheWrite = in.readLong();
    long savings = in.readLong();
    int flags = in.readByte();
    return new CostContribution(dimension, value, cost, input, output, cacheRead, cacheWrite, (flags & 1) != 0,
        savings, (flags & 2) != 0, (flags & 4) != 0, BinarySerde.readString(in), BinarySerde.readString(in),
        (flags & 8) != 0);
  }

  /** A contribution written as JSON by an earlier version. */
  public static CostContribution fromTree(JsonNode o) {
    return new CostContribution(o.path("d").asText(), o.path("v").asText(), o.path("c").asLong(),
        o.path("i").asLong(), o.path("o").asLong(), o.path("cr").asLong(), o.path("cw").asLong(),
        o.path("h").asBoolean(), o.path("s").asLong(), o.path("u").asBoolean(), o.path("e").asBoolean(),
        o.hasNonNull("sn") ? o.get("sn").asText() : null, o.hasNonNull("sp") ? o.get("sp").asText() : null);
  }
}
