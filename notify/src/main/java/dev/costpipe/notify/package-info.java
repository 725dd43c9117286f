/**
 * Alert delivery ({@code costpipe notify --config FILE}): {@link dev.costpipe.notify.Notifier} consumes
 * {@code llm.cost-alerts} and delivers each alert event to the channels its rule names (Slack incoming webhook,
 * signed generic webhook, email over SMTP), once per (rule_id, window_start, level_pct, channel), with
 * retries, and reports what cannot be delivered. {@link dev.costpipe.notify.NotifierConfig} loads the
 * YAML/JSON config (its class comment shows every key); {@link dev.costpipe.notify.WebhookSignature}
 * documents the webhook signature scheme for receivers.
 *
 * <p>Wiring, e.g. in a picocli command:
 * <pre>{@code
 * NotifierConfig config = NotifierConfig.load(file);
 * if (bootstrapServer != null) config = config.withBootstrapServers(bootstrapServer);
 * Notifier notifier = new Notifier(config);
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> {
 *   notifier.stop();
 *   try {
 *     notifier.awaitStopped(Duration.ofSeconds(30));
 *   } catch (InterruptedException e) {
 *     Thread.currentThread().interrupt();
 *   }
 * }));
 * notifier.run();   // blocks; throws NotifierException when it cannot go on
 * }</pre>
 */
package dev.costpipe.notify;
