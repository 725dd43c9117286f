package dev.costpipe.app.cli;

import dev.costpipe.app.config.ConfigLoader;
import dev.costpipe.app.config.LoadedConfig;
import dev.costpipe.app.config.NotifyConfigLoader;
import dev.costpipe.contracts.settings.Component;
import dev.costpipe.contracts.settings.SettingsDoc;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code costpipe config check}: validates a component's configuration and prints what is in force;
 * {@code costpipe config docs}: the table of every setting ({@code docs/settings.md}).
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check configurations, list settings.",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Docs.class})
public final class ConfigCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Validate the configuration of run, sink, notify or ingest (file + COSTPIPE_* environment) and print"
          + " every effective setting with its source, secrets masked.", "Exit 0 when valid, 2 when not."})
  static final class Check implements Callable<Integer> {
    @Option(names = "--component", required = true, paramLabel = "run|sink|notify|ingest",
        description = "Whose configuration: run, sink, notify or ingest.")
    String component;

    @Option(names = "--config", paramLabel = "FILE", description = "The file the component is started with.")
    Path config;

    @Override
    public Integer call() {
      InputFiles.readable(config, "--config");
      LoadedConfig loaded;
      switch (component) {
        case "run" -> loaded = ConfigLoader.load(Component.RUN, config, System.getenv(), Map.of(), true);
        case "sink" -> loaded = ConfigLoader.load(Component.SINK, config, System.getenv(), Map.of(), true);
        case "ingest" -> loaded = ConfigLoader.load(Component.INGEST, config, System.getenv(), Map.of(), true);
        case "notify" -> {
          if (config == null) {
            System.err.println("costpipe config check: --config FILE is required for notify");
            return 2;
          }
          loaded = NotifyConfigLoader.load(config, System.getenv(), null).loaded();
        }
        default -> {
          System.err.println("costpipe config check: --component must be run, sink, notify or ingest, got '" + component + "'");
          return 2;
        }
      }
      loaded.problems().forEach(System.out::println);
      System.out.println(component + " configuration is " + (loaded.valid() ? "valid" : "INVALID ("
          + loaded.errors().size() + " errors)") + "; effective settings:");
      loaded.config().describe().forEach(l -> System.out.println("  " + l));
      return loaded.valid() ? 0 : 2;
    }
  }

  @Command(name = "docs", mixinStandardHelpOptions = true,
      description = "Print the table of every costpipe.* setting (key, type, default, components, secret,"
          + " environment variable, description) as Markdown: the content of docs/settings.md.")
  static final class Docs implements Runnable {
    @Override
    public void run() {
      System.out.print(SettingsDoc.markdown());
    }
  }
}
