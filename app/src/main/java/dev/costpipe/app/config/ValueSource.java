package dev.costpipe.app.config;

/** Where an effective setting came from; later layers win: default &lt; file &lt; env &lt; flag. */
public enum ValueSource {
  DEFAULT, FILE, ENV, FLAG
}
