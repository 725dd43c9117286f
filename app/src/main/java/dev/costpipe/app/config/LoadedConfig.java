package dev.costpipe.app.config;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.contracts.settings.Component;
import dev.costpipe.contracts.settings.CostpipeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/** A component's effective configuration and what is wrong with it. */
public record LoadedConfig(Component component, EffectiveConfig config, List<Problem> problems) {
  public boolean valid() {
    return problems.stream().noneMatch(Problem::error);
  }

  public List<Problem> errors() {
    return problems.stream().filter(Problem::error).toList();
  }

  public List<Problem> warnings() {
    return problems.stream().filter(p -> !p.error()).toList();
  }

  /** Warnings are logged, not fatal: a command starts with them. */
  public void logWarnings(Logger log) {
    warnings().forEach(w -> log.warn("{} configuration: {}", component.label(), w.message()));
  }

  /** The errors as one message, for a command that refuses to start. */
  public String errorMessage() {
    return errors().stream().map(Problem::message).collect(Collectors.joining("; "));
  }

  /** The settings of the HTTP endpoints ({@code costpipe.http.*}; the notifier's {@code http:} section). */
  public HttpSettings http() {
    boolean notify = component == Component.NOTIFY;
    String bind = config.get(notify ? NotifyConfigLoader.HTTP_BIND_ADDRESS : CostpipeSettings.HTTP_BIND_ADDRESS.key());
    String tokens = config.get(notify ? NotifyConfigLoader.HTTP_TOKENS_FILE : CostpipeSettings.HTTP_TOKENS_FILE.key());
    return new HttpSettings(bind, tokens == null || tokens.isBlank() ? null : Path.of(tokens.strip()));
  }

  /** The metrics port in force: -1 off, 0 any free port. */
  public int metricsPort() {
    String key = component == Component.NOTIFY ? NotifyConfigLoader.METRICS_PORT
        : CostpipeSettings.METRICS_PORT.key();
    String v = config.get(key);
    return v == null ? component.defaultMetricsPort() : Integer.parseInt(v.strip());
  }
}
