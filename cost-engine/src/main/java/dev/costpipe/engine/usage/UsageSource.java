package dev.costpipe.engine.usage;

/** Where a cost record's usage came from. */
public enum UsageSource {
  PROVIDER("provider"),
  ESTIMATED("estimated"),
  NONE("none");

  private final String wire;

  UsageSource(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
