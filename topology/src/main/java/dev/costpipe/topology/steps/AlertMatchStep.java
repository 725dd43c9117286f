package dev.costpipe.topology.steps;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Step 6a: for each rule whose filter a cost record matches, its contribution, keyed by rule id (and, for a rule
 * with {@code per}, the record's value of that dimension). A revision contributes its difference with the
 * revision it replaces (negative when it costs less, or when it no longer matches): spend goes down, a level
 * already fired stays fired. A revision that moves a {@code per} rule's request to another key (the late event
 * told the user) takes it back from the one and adds it to the other.
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
      if (now && before && !Objects.equals(rule.perValue(r), rule.perValue(previous))) {
        forward(record, rule, rule.perValue(previous), -rule.amount(previous));
        forward(record, rule, rule.perValue(r), rule.amount(r));
        continue;
      }
      long amount = (now ? rule.amount(r) : 0) - (before ? rule.amount(previous) : 0);
      if (now && !before || amount != 0) {
        forward(record, rule, now ? rule.perValue(r) : rule.perValue(previous), amount);
      }
    }
  }

  private void forward(Record<String, RevisedCost> record, AlertRule rule, String perValue, long amount) {
    AlertContribution c = new AlertContribution(rule.id(), amount, record.value().current().requestId(),
        record.timestamp(), null, perValue);
    context.forward(record.withKey(c.key()).withValue(c));
  }
}
