package dev.costpipe.notify;

import dev.costpipe.notify.NotifierConfig.ChannelConfig;

/** A place alerts go to. Implementations are thread-safe: channels of one alert are delivered in parallel. */
public interface Channel {
  /** The channel's config: its name, type and retry policy. */
  ChannelConfig config();

  default String name() {
    return config().name();
  }

  /** Where it delivers, safe to log (no token, no password): e.g. {@code https://hooks.slack.com/…}. */
  String target();

  /**
   * Makes one delivery attempt; returns once the peer accepted it.
   *
   * @param key the delivery's identity, sent along where the protocol allows, so a receiver can drop the
   *     rare duplicate (a crash between the peer's acceptance and the delivery mark)
   */
  void send(AlertEvent alert, DeliveryKey key) throws DeliveryException, InterruptedException;
}
