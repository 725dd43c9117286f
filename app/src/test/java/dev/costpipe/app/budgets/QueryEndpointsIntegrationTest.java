package dev.costpipe.app.budgets;

import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.it.PipelineHarness;
import dev.costpipe.topology.it.TopicReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The query endpoints of two application instances on a real broker: each answers for every key, forwarding those
 * the other owns; the answers equal the aggregates committed on {@code llm.cost-aggregates}; an instance joining
 * with empty stores (restoring) answers 503 with {@code Retry-After} or the right number, never a wrong one; a rule
 * with a budget per user answers each user's own spend and counts each check against the caller's own budget; a
 * rule changed or deleted is answered so on the first check after the store has it.
 */
class QueryEndpointsIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int USERS = 12;
  private static final int CALLS_PER_USER = 3;
  /**
   * A budget per user, only for OpenAI's calls: the traffic is all OpenAI's, while the checks of the other rules name
   * no provider and so stay under the rules they test.
   */
  private static final String EACH_USER = "{\"id\":\"each-user\",\"budget_usd\":%s,\"window\":\"1d\","
      + "\"per\":\"user_id\",\"filter\":{\"provider\":\"openai\"}}";

  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @Test
  void everyInstanceAnswersEveryKeyWithTheCommittedTotalsAndARestoringOneSaysRetryLater() throws Exception {
    String name = "it-queries-" + Long.toHexString(System.nanoTime());
    Properties settings = PipelineHarness.settings(broker.bootstrapServers(), name);
    Instant at = Instant.now().minusSeconds(5);
    String day = at.truncatedTo(ChronoUnit.DAYS).toString();

    QueryInstance a = new QueryInstance(PipelineHarness.settings(broker.bootstrapServers(), name));
    QueryInstance b = new QueryInstance(PipelineHarness.settings(broker.bootstrapServers(), name));
    QueryInstance c = null;
    try {
      assertThat(a.get("/v1/totals?dimension=total&window=1d").status()).as("not started yet").isEqualTo(503);
      a.start();
      b.start();
      PipelineHarness.awaitRawTopic(settings);
      putRule(settings, "u1-daily",
          "{\"id\":\"u1-daily\",\"budget_usd\":1000,\"window\":\"1d\",\"filter\":{\"user_id\":\"u1\"}}");
      putRule(settings, "u2-calls", "{\"id\":\"u2-calls\",\"metric\":\"requests\",\"budget_count\":"
          + CALLS_PER_USER + ",\"window\":\"1d\",\"filter\":{\"user_id\":\"u2\"}}");
      String eachUser = EACH_USER.formatted(1000);
      putRule(settings, "each-user", eachUser);
      Await.until("both instances RUNNING with the rules", WAIT, () -> a.running() && b.running()
          && a.get("/v1/budgets/u1-daily").status() == 200 && b.get("/v1/budgets/u2-calls").status() == 200
          && a.storesRule("each-user", eachUser) && b.storesRule("each-user", eachUser));

      List<Map.Entry<String, String>> traffic = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        for (int i = 0; i < CALLS_PER_USER; i++) {
          String id = "q-" + u + "-" + i;
          traffic.add(Map.entry(id, Events.openAi(id, at.toString(), "gpt-4o-mini", 1_000L * (u + 1) + i, 100L * i,
              Map.of("Helicone-User-Id", "u" + u))));
        }
      }
      PipelineHarness.produce(settings, traffic);
      Map<String, JsonNode> committed = committedDailyTotals(settings, day);

      // after the commit: every key from either instance, equal to the committed aggregate; some forwarded
      Await.until("both instances RUNNING", WAIT, () -> a.running() && b.running());
      int forwarded = 0;
      for (QueryInstance asked : List.of(a, b)) {
        for (int u = 0; u < USERS; u++) {
          QueryInstance.Answer got = asked.get("/v1/totals?dimension=user&key=u" + u + "&window=1d&at=" + at);
          assertThat(got.status()).as(got.body().toString()).isEqualTo(200);
          assertEqualsCommitted(got.body(), committed.get("user/u" + u + "/1d/" + day));
          forwarded += got.body().path("answered_by").asText().equals(asked.address()) ? 0 : 1;
        }
        QueryInstance.Answer total = asked.get("/v1/totals?dimension=total&window=1d&at=" + at);
        assertEqualsCommitted(total.body(), committed.get("total/all/1d/" + day));
        assertThat(total.body().path("requests").asLong()).isEqualTo((long) USERS * CALLS_PER_USER);
      }
      assertThat(forwarded).as("keys owned by the other instance, answered through it").isPositive();

      long u1Spent = committed.get("user/u1/1d/" + day).path("cost_nano_usd").asLong();
      for (QueryInstance asked : List.of(a, b)) {
        JsonNode budget = asked.get("/v1/budgets/u1-daily?at=" + at).body();
        assertThat(budget.path("spent").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(u1Spent, 9));
        assertThat(budget.path("window_start").asText()).isEqualTo(day);
        assertThat(budget.path("rule").path("filter").path("user_id").asText()).isEqualTo("u1");
        JsonNode calls = asked.get("/v1/budgets/u2-calls?at=" + at).body();
        assertThat(calls.path("spent").asLong()).isEqualTo(CALLS_PER_USER);
        assertThat(calls.path("levels_crossed").toString()).isEqualTo("[50,80,95,100]");

        String remaining = BigDecimal.valueOf(1000_000_000_000L - u1Spent, 9).toPlainString();
        JsonNode fits = asked.post("/v1/budgets/check", "{\"user_id\":\"u1\",\"estimated_cost_usd\":\"" + remaining
            + "\"}").body();
        assertThat(fits.path("allowed").asBoolean()).as(fits.toString()).isTrue();
        assertThat(fits.path("remaining_usd").asText()).isEqualTo(remaining);
        JsonNode tooMuch = asked.post("/v1/budgets/check", "{\"user_id\":\"u1\",\"estimated_cost_usd\":\""
            + new BigDecimal(remaining).add(new BigDecimal("0.000000001")).toPlainString() + "\"}").body();
        assertThat(tooMuch.path("allowed").asBoolean()).isFalse();
        assertThat(tooMuch.path("denied_by").toString()).isEqualTo("[\"u1-daily\"]");
        JsonNode spentCalls = asked.post("/v1/budgets/check", "{\"dimension\":\"user\",\"key\":\"u2\"}").body();
        assertThat(spentCalls.path("denied_by").toString()).isEqualTo("[\"u2-calls\"]");
        assertThat(asked.post("/v1/budgets/check", "{\"user_id\":\"u3\",\"estimated_cost_usd\":5}").body()
            .path("allowed").asBoolean()).as("under no rule").isTrue();
      }

      assertPerUserBudgets(settings, committed, day, at, a, b);

      // docs/budgets.md's LiteLLM example against a real instance: its check alone, its hook, failing open
      LiteLlmBudgetExample example = new LiteLlmBudgetExample("http://" + a.address());
      LiteLlmBudgetExample.Run denied = example.check("u2", "0");
      assertThat(denied.exit()).as(denied.output()).isEqualTo(1);
      assertThat(denied.output()).contains("\"allowed\": false", "u2-calls");
      LiteLlmBudgetExample.Run allowed = example.check("u1", "0.02");
      assertThat(allowed.exit()).as(allowed.output()).isZero();
      assertThat(allowed.output()).contains("\"allowed\": true");
      assertThat(example.hook("u2").output().strip())
          .isEqualTo("{\"status\": 429, \"detail\": {\"error\": \"budget exhausted: u2-calls\", \"remaining_usd\": null}}");
      // a rule on a model applies to the hook's calls only where COSTPIPE_MODELS names costpipe's model for the
      // proxy's (the call's estimate, 0.002 USD, does not fit its budget)
      String u1Mini = "{\"id\":\"u1-mini\",\"budget_usd\":0.000000001,\"window\":\"1d\","
          + "\"filter\":{\"user_id\":\"u1\",\"model\":\"gpt-4o-mini\"}}";
      putRule(settings, "u1-mini", u1Mini);
      Await.until("both instances hold u1-mini", WAIT,
          () -> a.storesRule("u1-mini", u1Mini) && b.storesRule("u1-mini", u1Mini));
      assertThat(example.hook("u1").output().strip()).as("the proxy's model name, unmapped, is not sent")
          .isEqualTo("{\"forwarded\": true}");
      assertThat(example.hook("u1", "{\"fast\": \"gpt-4o-mini\"}").output())
          .contains("\"status\": 429", "budget exhausted: u1-mini");
      LiteLlmBudgetExample.Run unreachable = new LiteLlmBudgetExample("http://127.0.0.1:9").check("u2", "0");
      assertThat(unreachable.exit()).as(unreachable.output()).isZero();
      assertThat(unreachable.output()).contains("fail open");

      // a rule changed or deleted in the store is answered so on the very next check, though checks read the rules
      // the topology holds parsed (changed before the store: GlobalTableMirror)
      String spentAlready = "{\"id\":\"u1-daily\",\"budget_usd\":0.000000001,\"window\":\"1d\","
          + "\"filter\":{\"user_id\":\"u1\"}}";
      putRule(settings, "u1-daily", spentAlready);
      Await.until("both instances hold the new u1-daily", WAIT,
          () -> a.storesRule("u1-daily", spentAlready) && b.storesRule("u1-daily", spentAlready));
      for (QueryInstance asked : List.of(a, b)) {
        JsonNode overBudget = asked.post("/v1/budgets/check", "{\"user_id\":\"u1\"}").body();
        assertThat(overBudget.path("denied_by").toString()).as(overBudget.toString()).isEqualTo("[\"u1-daily\"]");
        assertThat(overBudget.path("rules").get(0).path("budget").decimalValue())
            .isEqualByComparingTo(new BigDecimal("0.000000001"));
      }
      putRule(settings, "u2-calls", null);
      Await.until("both instances dropped u2-calls", WAIT,
          () -> a.storesRule("u2-calls", null) && b.storesRule("u2-calls", null));
      for (QueryInstance asked : List.of(a, b)) {
        JsonNode noRule = asked.post("/v1/budgets/check", "{\"user_id\":\"u2\"}").body();
        assertThat(noRule.path("allowed").asBoolean()).as(noRule.toString()).isTrue();
        assertThat(noRule.path("rules").size()).isZero();
        assertThat(asked.get("/v1/budgets/u2-calls").status()).isEqualTo(404);
      }

      // an instance joining with empty stores: 503 with Retry-After, or the committed number; never another
      b.close();
      c = new QueryInstance(PipelineHarness.settings(broker.bootstrapServers(), name));
      QueryInstance joining = c;
      joining.start();
      List<String> unavailable = new ArrayList<>();
      Await.until("the joining instance answers every key", WAIT, () -> {
        boolean all = true;
        for (int u = 0; u < USERS; u++) {
          QueryInstance.Answer got = joining.get("/v1/totals?dimension=user&key=u" + u + "&window=1d&at=" + at);
          if (got.status() == 200) {
            assertEqualsCommitted(got.body(), committed.get("user/u" + u + "/1d/" + day));
          } else {
            assertThat(got.status()).as(got.body().toString()).isEqualTo(503);
            assertThat(got.retryAfter()).isNotNull();
            unavailable.add(got.body().path("error").asText());
            all = false;
          }
        }
        return all && joining.running();
      });
      assertThat(unavailable).as("answers refused while the instance joined and restored").isNotEmpty();
    } finally {
      a.close();
      b.close();
      if (c != null) {
        c.close();
      }
    }
  }

  /**
   * The per-user rule: each user's spend from either instance (some forwarded with their key); a key it needs and
   * another rule refuses; checks counted against the caller's own budget, here or on the owner of the caller's key.
   */
  private static void assertPerUserBudgets(Properties settings, Map<String, JsonNode> committed, String day,
      Instant at, QueryInstance a, QueryInstance b) {
    int forwarded = 0;
    for (QueryInstance asked : List.of(a, b)) {
      for (int u = 0; u < USERS; u++) {
        QueryInstance.Answer got = asked.get("/v1/budgets/each-user?key=u" + u + "&at=" + at);
        assertThat(got.status()).as(got.body().toString()).isEqualTo(200);
        assertThat(got.body().path("key").asText()).isEqualTo("u" + u);
        assertThat(got.body().path("spent").decimalValue()).as("u" + u + " from " + asked.address())
            .isEqualByComparingTo(spentUsd(committed, "u" + u, day));
        forwarded += got.body().path("answered_by").asText().equals(asked.address()) ? 0 : 1;
      }
      QueryInstance.Answer noKey = asked.get("/v1/budgets/each-user?at=" + at);
      assertThat(noKey.status()).as(noKey.body().toString()).isEqualTo(400);
      assertThat(noKey.body().path("error").asText()).contains("?key=");
      QueryInstance.Answer keyOfNoPer = asked.get("/v1/budgets/u1-daily?key=u1");
      assertThat(keyOfNoPer.status()).as(keyOfNoPer.body().toString()).isEqualTo(400);
    }
    assertThat(forwarded).as("users' budgets owned by the other instance, answered through it").isPositive();

    // a budget u2 has spent and u1 has not: each user's check is decided by that user's own spend
    BigDecimal u1 = spentUsd(committed, "u1", day);
    BigDecimal u2 = spentUsd(committed, "u2", day);
    assertThat(u1).isLessThan(u2);
    BigDecimal between = u1.add(u2).divide(BigDecimal.valueOf(2), 9, java.math.RoundingMode.DOWN);
    String betweenRule = EACH_USER.formatted(between.toPlainString());
    putRule(settings, "each-user", betweenRule);
    Await.until("both instances hold each-user's new budget", WAIT,
        () -> a.storesRule("each-user", betweenRule) && b.storesRule("each-user", betweenRule));
    for (QueryInstance asked : List.of(a, b)) {
      JsonNode under = asked.post("/v1/budgets/check", "{\"user_id\":\"u1\",\"provider\":\"openai\"}").body();
      assertThat(under.path("allowed").asBoolean()).as(under.toString()).isTrue();
      JsonNode u1Window = ruleOf(under, "each-user");
      assertThat(u1Window.path("spent").decimalValue()).isEqualByComparingTo(u1);
      assertThat(u1Window.path("remaining").decimalValue()).isEqualByComparingTo(between.subtract(u1));
      assertThat(under.path("remaining_usd").asText()).isEqualTo(between.subtract(u1).toPlainString());

      JsonNode over = asked.post("/v1/budgets/check", "{\"user_id\":\"u2\",\"provider\":\"openai\"}").body();
      assertThat(over.path("allowed").asBoolean()).as(over.toString()).isFalse();
      assertThat(over.path("denied_by").toString()).contains("\"each-user\"");
      assertThat(ruleOf(over, "each-user").path("spent").decimalValue()).isEqualByComparingTo(u2);

      JsonNode noUser = asked.post("/v1/budgets/check", "{\"provider\":\"openai\"}").body();
      assertThat(noUser.path("rules").size()).as("a per-user rule does not apply to a call of no user: " + noUser)
          .isZero();
    }
  }

  private static BigDecimal spentUsd(Map<String, JsonNode> committed, String user, String day) {
    return BigDecimal.valueOf(committed.get("user/" + user + "/1d/" + day).path("cost_nano_usd").asLong(), 9);
  }

  /** The entry of {@code ruleId} in a check's answer. */
  private static JsonNode ruleOf(JsonNode check, String ruleId) {
    for (JsonNode r : check.path("rules")) {
      if (r.path("rule_id").asText().equals(ruleId)) {
        return r;
      }
    }
    throw new AssertionError("no rule " + ruleId + " in " + check);
  }

  private static void assertEqualsCommitted(JsonNode answer, JsonNode committed) {
    assertThat(committed).as("committed aggregate").isNotNull();
    for (String field : List.of("cost_nano_usd", "requests", "input_tokens", "output_tokens", "version")) {
      assertThat(answer.path(field).asLong()).as(field + " of " + answer).isEqualTo(committed.path(field).asLong());
    }
    assertThat(answer.path("cost_usd").asText())
        .isEqualTo(BigDecimal.valueOf(committed.path("cost_nano_usd").asLong(), 9).toPlainString());
  }

  /** The latest committed daily aggregate of every key, once every user's requests are in them. */
  private static Map<String, JsonNode> committedDailyTotals(Properties settings, String day) {
    Map<String, JsonNode> latest = new HashMap<>();
    TopicReader.readUntil(settings.getProperty("bootstrap.servers"),
        settings.getProperty("costpipe.topic.cost-aggregates"), got -> {
          latest.clear();
          for (ConsumerRecord<String, String> r : got) {
            JsonNode u = read(r.value());
            latest.merge(r.key(), u, (x, y) -> y.path("version").asLong() >= x.path("version").asLong() ? y : x);
          }
          JsonNode total = latest.get("total/all/1d/" + day);
          return total != null && total.path("requests").asLong() == (long) USERS * CALLS_PER_USER
              && java.util.stream.IntStream.range(0, USERS).allMatch(u -> latest.containsKey("user/u" + u + "/1d/"
                  + day) && latest.get("user/u" + u + "/1d/" + day).path("requests").asLong() == CALLS_PER_USER);
        }, WAIT);
    return latest;
  }



  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
