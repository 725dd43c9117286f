package dev.costpipe.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's failed topic: every delivery given up and every record that is not an alert is logged at ERROR,
 * counted, and written there (acknowledged before the alert's offset is committed) with the whole alert, so a
 * person or a replay can pick it up.
 */
final class FailedDeliveries {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final String failedTopic;
  private final KafkaProducer<String, String> producer;
  private final NotifierCounters counters;

  FailedDeliveries(String failedTopic, KafkaProducer<String, String> producer, NotifierCounters counters) {
    this.failedTopic = failedTopic;
    this.producer = producer;
    this.counters = counters;
  }

  /** A record that is not an alert event: logged, counted and written to the failed topic. */
  void invalidAlert(ConsumerRecord<String, byte[]> r, IllegalArgumentException e) {
    counters.increment(NotifierCounters.ALERTS_INVALID);
    LOG.error("record {}-{}@{} (key {}) is not an alert event and is not delivered: {}; reported to {}",
        r.topic(), r.partition(), r.offset(), r.key(), e.getMessage(), failedTopic);
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("reason", "invalid_alert").put("error", e.getMessage());
    addAlertSource(v, r);
    v.put("failed_at", Instant.now().toString());
    v.put("alert_raw", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
    writeFailure(r.key(), v);
  }

  /** A delivery given up (or never possible): logged, counted and written to the failed topic for a replay. */
  void deliveryFailed(AlertEvent alert, ConsumerRecord<String, byte[]> r, String channel, String type,
      String reason, String error, Integer status, int attempts) {
    counters.increment("failed." + channel);
    LOG.error("alert {} ({}) level {}% window {}: delivery to channel {}{} FAILED{}: {} [{}]; reported to {}",
        alert.ruleId(), alert.ruleName(), alert.levelPct(), alert.windowStart(), channel,
        type == null ? "" : " (" + type + ")", attempts > 0 ? " after " + attempts + " attempt(s)" : "", error,
        reason, failedTopic);
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("rule_id", alert.ruleId()).put("rule_name", alert.ruleName()).put("level_pct", alert.levelPct())
        .put("window_start", alert.windowStart().toString())
        .put("window_end", alert.windowEnd() == null ? null : alert.windowEnd().toString())
        .put("channel", channel).put("channel_type", type).put("reason", reason).put("error", error);
    if (alert.perValue() != null) {
      v.put("per_value", alert.perValue());
    }
    if (status != null) {
      v.put("status", status);
    } else {
      v.putNull("status");
    }
    v.put("attempts", attempts).put("failed_at", Instant.now().toString());
    addAlertSource(v, r);
    try {
      JsonNode event = Json.MAPPER.readTree(alert.raw());
      v.set("alert", event);
    } catch (IOException e) {
      v.put("alert_raw", new String(alert.raw(), StandardCharsets.UTF_8));
    }
    writeFailure(DeliveryKey.of(alert, channel).wire(), v);
  }

  private void writeFailure(String key, ObjectNode value) {
    try {
      producer.send(new ProducerRecord<>(failedTopic, key, value.toString())).get();
    } catch (ExecutionException e) {
      throw new NotifierException("cannot report a failed delivery on " + failedTopic + ": "
          + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotifierException("interrupted while reporting a failed delivery", e);
    }
  }

  /** Where the alert was read: its topic, partition and offset. */
  static void addAlertSource(ObjectNode v, ConsumerRecord<String, byte[]> r) {
    v.put("alert_topic", r.topic()).put("alert_partition", r.partition()).put("alert_offset", r.offset());
  }
}
