package dev.costpipe.topology.steps;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Step 6a: for each rule whose filter a cost record matches, its contribution, keyed by rule id. A revision
 * contributes its difference with the revision it replaces (negative when it costs less, or when it no longer
 * matches): spend goes down, a level already fired stays fired.
 */
public final class AlertMatchStep implements Processor<String, RevisedCost, String, AlertContribution> {
  private final AlertRulesHolder rules;
  private ProcessorContext<String, AlertContribution> context;

  public AlertMatchStep(AlertRulesHolder rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, AlertContribution> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, RevisedCost> record) {
    CostRecord r = record.value().current();
    CostRecord previous = record.value().previous();
    for (AlertRule rule : rules.all()) {
      boolean now = rule.matches(r);
      boolean before = previous != null && rule.matches(previous);
      long amount = (now ? rule.amount(r) : 0) - (before ? rule.amount(previous) : 0);
      if (now && !before || amount != 0) {
        context.forward(record.withKey(rule.id())
            .withValue(new AlertContribution(rule.id(), amount, r.requestId(), record.timestamp())));
      }
    }
  }
}
