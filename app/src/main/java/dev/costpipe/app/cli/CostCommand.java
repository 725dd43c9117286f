package dev.costpipe.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.ImportResult;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.merge.MergedRequest;
import dev.costpipe.engine.merge.RequestMerger;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code costpipe cost}: prices a file of raw events offline, merging each request's events with the
 * same code as the streaming topology; usage events too, each a whole request (its raw events win when the file
 * has both). Bad lines go to standard error and never stop the run.
 */
@Command(name = "cost", mixinStandardHelpOptions = true,
    description = "Price raw events and usage events (JSON lines) offline; write one cost record per request as a "
        + "JSON line.")
public final class CostCommand implements Callable<Integer> {
  private static final long PROGRESS_EVERY_MS = 5_000;

  @Option(names = "--prices", paramLabel = "FILE",
      description = "Price catalogue replacing the built-in one (a file, or a directory of costpipe YAML files).")
  Path prices;

  @Option(names = "--prices-format", paramLabel = "FORMAT", defaultValue = "costpipe",
      description = "Format of --prices: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  PricesFormat pricesFormat;

  @Option(names = "--input", paramLabel = "FILE|-", defaultValue = "-", description = "Raw events, one JSON per line (default: stdin).")
  String input;

  @Option(names = "--output", paramLabel = "FILE|-", defaultValue = "-", description = "Cost records, one JSON per line (default: stdout).")
  String output;

  /** The price catalogue formats commands read; genai-prices is written with a dash on the command line. */
  enum PricesFormat {
    costpipe, litellm, genai_prices;

    @Override
    public String toString() {
      return name().replace('_', '-');
    }
  }

  private final PrintStream err = System.err;

  @Override
  public Integer call() throws IOException {
    InputFiles.readable(prices, "--prices");
    if (!input.equals("-")) {
      InputFiles.readable(Path.of(input), "--input");
    }
    CostEngine engine;
    try {
      engine = engine();
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      err.println("costpipe cost: cannot load prices from " + prices + ": " + e.getMessage());
      return 2;
    }
    CostRunSummary summary = new CostRunSummary();
    RequestMerger merger = new RequestMerger();
    long lastProgress = System.currentTimeMillis();
    boolean progress = System.console() != null;
    try (InputStream in = open(input);
        Writer out = new BufferedWriter(new OutputStreamWriter(create(output), StandardCharsets.UTF_8))) {
      ByteLines lines = new ByteLines(in);
      long lineNo = 0;
      for (byte[] bytes = lines.next(); bytes != null; bytes = lines.next()) {
        lineNo++;
        if (isBlank(bytes)) {
          continue;
        }
        summary.lines++;
        try {
          RawEvent event = RawEventParser.parse(bytes);
          engine.validate(event);
          var done = merger.accept(event);
          if (done.isPresent()) {
            write(out, engine, done.get(), summary);
          }
        } catch (BadEventException e) {
          summary.badLines++;
          badLine(lineNo, e);
        }
        if (progress && System.currentTimeMillis() - lastProgress > PROGRESS_EVERY_MS) {
          lastProgress = System.currentTimeMillis();
          err.println("costpipe cost: " + summary.lines + " lines read, " + summary.requests + " requests priced, "
              + merger.openRequests() + " open");
        }
      }
      for (MergedRequest m : merger.flushIncomplete()) {
        write(out, engine, m, summary);
      }
    }
    summary.duplicates = merger.duplicates();
    summary.usageEventsSuperseded = merger.usageEventsSuperseded();
    err.println(summary.line());
    return 0;
  }

  private CostEngine engine() throws IOException {
    if (prices == null) {
      return CostEngine.builtIn();
    }
    if (pricesFormat != PricesFormat.costpipe) {
      ImportResult imported = PricingSource.importForeign(prices, pricesFormat);
      err.println("costpipe cost: " + (pricesFormat == PricesFormat.litellm ? "LiteLLM" : "genai-prices")
          + " catalogue " + prices + ": " + imported.summary());
      return CostEngine.withPrices(PricingRegistry.of(imported.entries()));
    }
    return CostEngine.withPrices(PricingRegistry.of(CatalogueLoader.load(prices).entries()));
  }

  private static void write(Writer out, CostEngine engine, MergedRequest m, CostRunSummary summary)
      throws IOException {
    CostRecord r = engine.price(m, Instant.now());
    summary.count(r);
    out.write(CostRecordJson.write(r));
    out.write('\n');
  }

  private void badLine(long lineNo, BadEventException e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("line", lineNo);
    o.put("reason", e.reason());
    o.put("error", e.getMessage());
    err.println(o);
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte x : bytes) {
      if (x != ' ' && x != '\t' && x != '\r') {
        return false;
      }
    }
    return true;
  }

  private static InputStream open(String name) throws IOException {
    return new BufferedInputStream(name.equals("-") ? System.in : new FileInputStream(name), 1 << 16);
  }

  private static OutputStream create(String name) {
    try {
      return name.equals("-") ? System.out : new FileOutputStream(name);
    } catch (FileNotFoundException e) {
      throw new UserInputException("--output " + name + ": cannot write it (" + e.getMessage()
          + "): check that its directory exists and is writable", e);
    }
  }
}
