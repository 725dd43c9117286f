package dev.costpipe.topology.aggregate;

/** What an aggregate is summed by. */
public enum Dimension {
  USER("user"),
  SESSION("session"),
  PROPERTY("property"),
  MODEL("model"),
  PROVIDER("provider"),
  TOTAL("total");

  private final String wire;

  Dimension(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Dimension fromWire(String s) {
    for (Dimension d : values()) {
      if (d.wire.equals(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown dimension " + s);
  }
}
