package dev.costpipe.app.budgets;

import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.it.PipelineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances requiring bearer tokens ({@code costpipe.http.tokens-file}) on a real broker: a question about a key
 * the other instance owns is forwarded with the caller's token and answered; no token or a wrong one is refused
 * (401) by the instance asked; and the owner judges the caller's token itself, the asking instance adding none of
 * its own. The LiteLLM example sends its token, and says so when it is refused.
 */
class ForwardedTokensIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String TOKEN = "gateway-token";
  /** In the first instance's file only: forwarded to the second, it must be refused there. */
  private static final String FIRST_ONLY = "first-instance-only-token";
  private static final String RULE = "{\"id\":\"all-daily\",\"budget_usd\":1000,\"window\":\"1d\"}";

  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @Test
  void aForwardedQueryCarriesTheCallersTokenToTheOwner(@TempDir Path dir) throws Exception {
    String name = "it-tokens-" + Long.toHexString(System.nanoTime());
    Properties settings = PipelineHarness.settings(broker.bootstrapServers(), name);
    Path firstTokens = Files.writeString(dir.resolve("first-tokens"), TOKEN + "\n" + FIRST_ONLY + "\n");
    Path secondTokens = Files.writeString(dir.resolve("second-tokens"), "# shared with the first\n" + TOKEN + "\n");
    try (QueryInstance a = new QueryInstance(PipelineHarness.settings(broker.bootstrapServers(), name),
            new HttpSettings("127.0.0.1", firstTokens));
        QueryInstance b = new QueryInstance(PipelineHarness.settings(broker.bootstrapServers(), name),
            new HttpSettings("127.0.0.1", secondTokens))) {
      a.start();
      b.start();
      PipelineHarness.awaitRawTopic(settings);
      putRule(settings, "all-daily", RULE);
      Await.until("both instances RUNNING with the rule", WAIT, () -> a.running() && b.running()
          && a.storesRule("all-daily", RULE) && b.storesRule("all-daily", RULE));

      // a user whose totals the second instance owns, asked of the first with the shared token: forwarded, answered
      String owned = null;
      for (int u = 0; u < 100 && owned == null; u++) {
        QueryInstance.Answer got = a.get("/v1/totals?dimension=user&key=u" + u + "&window=1d", TOKEN);
        assertThat(got.status()).as(got.body().toString()).isEqualTo(200);
        owned = got.body().path("answered_by").asText().equals(b.address()) ? "u" + u : null;
      }
      assertThat(owned).as("a user the second instance owns").isNotNull();
      String totals = "/v1/totals?dimension=user&key=" + owned + "&window=1d";

      assertThat(a.get(totals).status()).as("no token, asked of the first").isEqualTo(401);
      assertThat(a.get(totals, "wrong-token").status()).as("a wrong token, asked of the first").isEqualTo(401);
      assertThat(a.get(totals, FIRST_ONLY).status())
          .as("a token the first knows and the owner does not: refused by the owner, passed back").isEqualTo(401);
      assertThat(b.get(totals).status()).as("no token, asked of the owner").isEqualTo(401);

      // the rule's budget, from the instance not owning it: its GET and a check forwarded with the token
      QueryInstance.Answer budget = a.get("/v1/budgets/all-daily", TOKEN);
      assertThat(budget.status()).as(budget.body().toString()).isEqualTo(200);
      QueryInstance notOwner = budget.body().path("answered_by").asText().equals(a.address()) ? b : a;
      QueryInstance.Answer forwarded = notOwner.get("/v1/budgets/all-daily", TOKEN);
      assertThat(forwarded.status()).as(forwarded.body().toString()).isEqualTo(200);
      assertThat(forwarded.body().path("answered_by").asText()).isNotEqualTo(notOwner.address());
      QueryInstance.Answer check = notOwner.post("/v1/budgets/check", "{\"user_id\":\"u1\"}", TOKEN);
      assertThat(check.status()).as(check.body().toString()).isEqualTo(200);
      assertThat(check.body().path("allowed").asBoolean()).isTrue();
      assertThat(check.body().path("rules").findValuesAsText("rule_id")).isEqualTo(List.of("all-daily"));
      assertThat(notOwner.post("/v1/budgets/check", "{\"user_id\":\"u1\"}").status()).isEqualTo(401);

      // docs/budgets.md's LiteLLM example: its COSTPIPE_TOKEN is sent; refused, it fails open and says why
      String url = "http://" + notOwner.address();
      LiteLlmBudgetExample.Run withToken = new LiteLlmBudgetExample(url, TOKEN).check("u1", "0");
      assertThat(withToken.exit()).as(withToken.output()).isZero();
      assertThat(withToken.output()).contains("\"allowed\": true", "all-daily");
      LiteLlmBudgetExample.Run noToken = new LiteLlmBudgetExample(url).check("u1", "0");
      assertThat(noToken.exit()).as(noToken.output()).isZero();
      assertThat(noToken.output()).contains("costpipe refused the token (HTTP 401)", "fail open");
    }
  }
}
