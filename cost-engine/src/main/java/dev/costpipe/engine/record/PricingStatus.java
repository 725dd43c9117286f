package dev.costpipe.engine.record;

/** How a cost record's cost was arrived at. */
public enum PricingStatus {
  PRICED("priced"),
  PROVIDER_REPORTED("provider_reported"),
  UNKNOWN_MODEL("unknown_model"),
  NO_USAGE("no_usage");

  private final String wire;

  PricingStatus(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
