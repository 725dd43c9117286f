package dev.costpipe.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The baseline: a Kafka Streams application whose whole topology is {@code stream(raw).to(copy)}, bytes in,
 * bytes out, run with the very settings costpipe runs with (exactly_once_v2, its commit interval, one stream
 * thread). Anything that reads and writes these topics exactly once on this machine is bounded by it.
 * {@code CopyApplication <settings.properties>} with {@code bench.copy.from} and {@code bench.copy.to}.
 */
public final class CopyApplication {
  static final String FROM = "bench.copy.from";
  static final String TO = "bench.copy.to";

  private CopyApplication() {}

  public static void main(String[] args) throws Exception {
    Properties settings = new Properties();
    try (var in = Files.newBufferedReader(Path.of(args[0]))) {
      settings.load(in);
    }
    String from = (String) settings.remove(FROM);
    String to = (String) settings.remove(TO);
    StreamsBuilder b = new StreamsBuilder();
    b.stream(from, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(to, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    KafkaStreams streams = new KafkaStreams(b.build(), settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(30));
      stopped.countDown();
    }, "copy-shutdown"));
    streams.start();
    stopped.await();
  }
}
