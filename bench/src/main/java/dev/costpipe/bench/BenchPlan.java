package dev.costpipe.bench;

import dev.costpipe.devtools.generate.GeneratorSettings;
import java.util.Map;

/**
 * What one benchmark does.
 *
 * @param warmupRequests requests per run processed before the measured ones (JIT warm-up), not timed
 * @param requests measured requests per run (their raw events are produced up front, after the warm-up's)
 * @param runs runs; every figure is the median over them
 * @param partitions partitions of every topic (raw events, outputs, the apps' internal topics)
 * @param pacedSeconds how long the paced (latency) traffic lasts
 * @param pacedWarmupSeconds how long paced traffic (and budget checks) run first, not measured: the JIT compiles
 *     the paths only they take (alert rules, HTTP answers, the paced sender) before the clock starts
 * @param budgetCheckCallers callers of the budget checks during the paced traffic, each at its share of one check per
 *     paced request ({@link BudgetCheckLoad})
 * @param sinkRows rows written by the sink and by clickhouse-client
 * @param heapCheckRequests requests of the "state must not grow with history" run (0: none)
 * @param childHeap -Xmx of the applications under test
 * @param flightRecording whether costpipe runs with a JFR recording (profile settings)
 * @param chunksPerStream mean chunk events per streamed request (the generator's default unless asked)
 * @param streamsSettings Kafka Streams and client settings for both applications under test, over their defaults
 * @param sinkSettings settings of the ClickHouse sink under test ({@code costpipe.sink.clickhouse.*}, Kafka consumer
 *     settings), over its defaults
 */
record BenchPlan(boolean quick, int warmupRequests, int requests, int runs, int partitions, int pacedSeconds,
    int pacedWarmupSeconds, int budgetCheckCallers, int sinkRows,
    int heapCheckRequests, String childHeap, boolean flightRecording, long seed, int chunksPerStream,
    Map<String, String> streamsSettings, Map<String, String> sinkSettings) {

  /** The generator's default mix, with this plan's chunks per stream. */
  GeneratorSettings traffic(long seed) {
    GeneratorSettings d = GeneratorSettings.defaults(seed);
    return new GeneratorSettings(seed, d.streamedRatio(), chunksPerStream, d.unknownModelRatio(), d.malformedRatio(),
        d.cacheHitRatio());
  }
}
