package dev.costpipe.app.cli;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.record.CostRecord;

/** The counts {@code costpipe cost} reports in its closing line. */
final class CostRunSummary {
  long lines;
  long badLines;
  long duplicates;
  long requests;
  long priced;
  long providerReported;
  long unknownModels;
  long noUsage;
  long incomplete;
  long estimated;
  long unpricedUsage;
  long usageEventsSuperseded;
  long reportedCostDisagreements;

  void count(CostRecord r) {
    requests++;
    switch (r.pricingStatus()) {
      case PRICED -> priced++;
      case PROVIDER_REPORTED -> providerReported++;
      case UNKNOWN_MODEL -> unknownModels++;
      case NO_USAGE -> noUsage++;
    }
    if (r.errors().contains(CostEngine.INCOMPLETE)) {
      incomplete++;
    }
    if (r.usageSource() == dev.costpipe.engine.usage.UsageSource.ESTIMATED) {
      estimated++;
    }
    if (r.hasUnpricedUsage()) {
      unpricedUsage++;
    }
    if (r.reportedCostDisagrees()) {
      reportedCostDisagreements++;
    }
  }

  String line() {
    return "costpipe cost: " + lines + " lines, " + requests + " requests: " + priced + " priced, "
        + providerReported + " provider-reported, " + unknownModels + " unknown models, " + noUsage
        + " without usage; " + estimated + " estimated, " + incomplete + " incomplete, " + unpricedUsage
        + " with unpriced usage; " + badLines
        + " bad lines, " + duplicates + " duplicate events" + usageEvents();
  }

  /** Said only when a file has usage events that something happened to, so raw-event runs read as before. */
  private String usageEvents() {
    String out = "";
    if (usageEventsSuperseded > 0) {
      out += "; " + usageEventsSuperseded + " usage events superseded by raw events";
    }
    if (reportedCostDisagreements > 0) {
      out += "; " + reportedCostDisagreements + " reported costs off by more than 1% and 1 micro-USD";
    }
    return out;
  }
}
