package dev.costpipe.topology.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.alert.AlertRule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** The parsed rules answer only for the bytes the store holds now, and hold no rule the store no longer has. */
class ParsedRulesTest {
  private final ParsedRules parsed = new ParsedRules();

  /** A rule as stored: a fresh array each time, as the store hands out. */
  private static byte[] stored(String id, long budgetUsd) {
    return ("{\"id\":\"" + id + "\",\"budget_usd\":" + budgetUsd + ",\"window\":\"1d\",\"filter\":{\"user_id\":\""
        + id + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private static long budgetUsd(Optional<AlertRule> rule) {
    return rule.orElseThrow().budget() / 1_000_000_000L;
  }

  @Test
  void theSameValueReadAgainIsNotParsedAgain() {
    AlertRule first = parsed.rule("alice", stored("alice", 5)).orElseThrow();
    assertThat(parsed.rule("alice", stored("alice", 5))).containsSame(first);
    assertThat(parsed.all(List.of(KeyValue.pair("alice", stored("alice", 5))).iterator())).singleElement()
        .isSameAs(first);
  }

  @Test
  void aRulePutAgainWithAnyChangeIsParsedAgainOnTheNextRead() {
    parsed.rule("alice", stored("alice", 5));
    assertThat(budgetUsd(parsed.rule("alice", stored("alice", 7)))).isEqualTo(7);
    assertThat(parsed.all(List.of(KeyValue.pair("alice", stored("alice", 9))).iterator())).singleElement()
        .extracting(r -> r.budget() / 1_000_000_000L).isEqualTo(9L);
    // the same length and one byte changed
    assertThat(budgetUsd(parsed.rule("alice", stored("alice", 8)))).isEqualTo(8);
  }

  @Test
  void anEntryKeepsWhatItWasParsedFromWhateverBecomesOfTheCallersArray() {
    byte[] bytes = stored("alice", 5);
    parsed.rule("alice", bytes);
    byte[] changed = stored("alice", 6);
    System.arraycopy(changed, 0, bytes, 0, bytes.length);
    assertThat(budgetUsd(parsed.rule("alice", bytes))).isEqualTo(6);
  }

  @Test
  void aRuleDeletedIsAnsweredAsNoneAndDropped() {
    parsed.rule("alice", stored("alice", 5));
    parsed.rule("bob", stored("bob", 5));
    assertThat(parsed.rule("alice", null)).isEmpty();
    assertThat(parsed.size()).isEqualTo(1);

    parsed.rule("alice", stored("alice", 5));
    List<AlertRule> left = parsed.all(List.of(KeyValue.pair("bob", stored("bob", 5))).iterator());
    assertThat(left).extracting(AlertRule::id).containsExactly("bob");
    assertThat(parsed.size()).as("bounded by the rules in the store").isEqualTo(1);
    assertThat(parsed.all(List.<KeyValue<String, byte[]>>of().iterator())).isEmpty();
    assertThat(parsed.size()).isZero();
  }

  @Test
  void anUnreadableValueIsNoRuleUntilReplacedByAReadableOne() {
    byte[] junk = "{\"id\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(parsed.rule("alice", junk)).isEmpty();
    assertThat(parsed.all(List.of(KeyValue.pair("alice", junk), KeyValue.pair("bob", stored("bob", 3))).iterator()))
        .extracting(AlertRule::id).containsExactly("bob");
    assertThat(parsed.size()).as("the unreadable value is held too: not parsed again on every read").isEqualTo(2);
    assertThat(budgetUsd(parsed.rule("alice", stored("alice", 4)))).isEqualTo(4);
  }

  @Test
  void threadsReadingDifferentVersionsAtOnceEachGetTheRuleOfTheBytesTheyRead() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        wrong.add(threads.submit(() -> {
          int mismatches = 0;
          for (int i = 0; i < 5_000; i++) {
            long budget = 1 + (i + thread) % 3;
            if (budgetUsd(parsed.rule("alice", stored("alice", budget))) != budget) {
              mismatches++;
            }
            if (i % 100 == thread) {
              // another reader sees the rule deleted, or scans a store without it
              if (thread % 2 == 0) {
                parsed.rule("alice", null);
              } else {
                parsed.all(List.of(KeyValue.pair("bob", stored("bob", 1))).iterator());
              }
            }
          }
          return mismatches;
        }));
      }
      for (Future<Integer> f : wrong) {
        assertThat(f.get()).isZero();
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(parsed.size()).isLessThanOrEqualTo(2);
  }
}
