package dev.costpipe.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.contracts.Backoff;
import dev.costpipe.engine.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One alert to its channels: the channels in parallel, each attempted with its back-off until delivered (then marked
 * in the delivery log), given up (then reported on the failed topic) or stopped; a channel already marked is skipped.
 */
final class AlertDispatch {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private enum Outcome { DELIVERED, FAILED, ABORTED }

  private final List<String> defaultChannels;
  private final Map<String, Channel> channels;
  private final DeliveryLog deliveryLog;
  private final FailedDeliveries failures;
  private final NotifierCounters counters;
  private final ExecutorService workers;
  private final CountDownLatch stopSignal;

  AlertDispatch(List<String> defaultChannels, Map<String, Channel> channels, DeliveryLog deliveryLog,
      FailedDeliveries failures, NotifierCounters counters, ExecutorService workers, CountDownLatch stopSignal) {
    this.defaultChannels = defaultChannels;
    this.channels = channels;
    this.deliveryLog = deliveryLog;
    this.failures = failures;
    this.counters = counters;
    this.workers = workers;
    this.stopSignal = stopSignal;
  }

  /** Delivers a parsed alert to its channels; false when a stop interrupted it. */
  boolean deliver(AlertEvent alert, ConsumerRecord<String, byte[]> r) {
    List<String> names = alert.channels().isEmpty() ? defaultChannels : alert.channels();
    if (names.isEmpty() && alert.invalidChannels().isEmpty()) {
      failures.deliveryFailed(alert, r, "(none)", null, "no_channels",
          "the alert names no channels and the config has no default_channels", null, 0);
      return true;
    }
    for (String bad : alert.invalidChannels()) {
      failures.deliveryFailed(alert, r, bad, null, "invalid_channel_entry",
          "channel entry " + bad + " is not a channel name", null, 0);
    }
    List<Future<Outcome>> running = new ArrayList<>();
    for (String name : names) {
      DeliveryKey key = DeliveryKey.of(alert, name);
      if (deliveryLog.isDelivered(key)) {
        counters.increment("skipped." + name);
        LOG.debug("alert {} {}% window {} was already delivered to {}", alert.ruleId(), alert.levelPct(),
            alert.windowStart(), name);
        continue;
      }
      Channel channel = channels.get(name);
      if (channel == null) {
        failures.deliveryFailed(alert, r, name, null, "unknown_channel",
            "no channel named '" + name + "' in the notifier config (defined: " + channels.keySet() + ")", null, 0);
        continue;
      }
      running.add(workers.submit(() -> deliverTo(channel, alert, key, r)));
    }
    boolean complete = true;
    for (Future<Outcome> f : running) {
      try {
        if (f.get() == Outcome.ABORTED) {
          complete = false;
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof NotifierException ne ? ne
            : new NotifierException("delivering alert " + alert.ruleId() + " failed unexpectedly: " + cause, cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.forEach(x -> x.cancel(true));
        return false;
      }
    }
    return complete;
  }

  /** One channel: attempts with back-off until delivered, given up or stopped. Runs on a worker thread. */
  private Outcome deliverTo(Channel channel, AlertEvent alert, DeliveryKey key, ConsumerRecord<String, byte[]> r)
      throws InterruptedException {
    NotifierConfig.Retry retry = channel.config().retry();
    String name = channel.name();
    Backoff.Attempts attempts = retry.backoff().attempts(retry.attempts(), LOG,
        wait -> !stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS));
    DeliveryException last;
    while (true) {
      try {
        channel.send(alert, key);
      } catch (DeliveryException e) {
        last = e;
        if (!e.retryable() || attempts.isLast()) {
          break;
        }
        counters.increment("retries." + name);
        if (!attempts.retryAfter("alert " + alert.ruleId() + " " + alert.levelPct() + "%: delivery to " + name
            + " failed", e.detail())) {
          LOG.info("alert {} {}%: stopping before delivering to {}; it is read again on restart", alert.ruleId(),
              alert.levelPct(), name);
          return Outcome.ABORTED;
        }
        continue;
      } catch (RuntimeException e) {
        // a channel's bug must not take the notifier down, nor pass unreported
        last = new DeliveryException("internal_error", e.toString(), false, null, e);
        LOG.error("channel {} threw unexpectedly", name, e);
        break;
      }
      int attempt = attempts.current();
      ObjectNode mark = Json.MAPPER.createObjectNode();
      mark.put("rule_id", alert.ruleId()).put("window_start", alert.windowStart().toString())
          .put("level_pct", alert.levelPct()).put("channel", name).put("channel_type", channel.config().type())
          .put("delivered_at", Instant.now().toString()).put("attempts", attempt);
      if (alert.perValue() != null) {
        mark.put("per_value", alert.perValue());
      }
      FailedDeliveries.addAlertSource(mark, r);
      deliveryLog.markDelivered(key, mark.toString());
      counters.increment("delivered." + name);
      LOG.info("alert {} {}% (window {}) delivered to {} ({}){}", alert.ruleId(), alert.levelPct(),
          alert.windowStart(), name, channel.config().type(), attempt > 1 ? " at attempt " + attempt : "");
      return Outcome.DELIVERED;
    }
    failures.deliveryFailed(alert, r, name, channel.config().type(), last.reason(),
        last.detail() + (last.retryable() ? "" : " (not retryable)"), last.status(), attempts.current());
    return Outcome.FAILED;
  }
}
