package dev.costpipe.topology.steps;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.alert.AlertContribution;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Step 6a: for each rule whose filter a cost record matches, its contribution, keyed by rule id. */
public final class AlertMatchStep implements Processor<String, CostRecord, String, AlertContribution> {
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
  public void process(Record<String, CostRecord> record) {
    CostRecord r = record.value();
    for (AlertRule rule : rules.all()) {
      if (rule.matches(r)) {
        context.forward(record.withKey(rule.id())
            .withValue(new AlertContribution(rule.id(), rule.amount(r), r.requestId(), record.timestamp())));
      }
    }
  }
}
