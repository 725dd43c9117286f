package dev.costpipe.engine.usage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceTiersTest {

  @Test
  void theStandardTierHasNoNameAndOthersKeepTheirsInLowerCase() {
    // OpenAI "default"/"auto", Anthropic "standard", Vertex "ON_DEMAND", Gemini "PAYG": all the list price
    for (String standard : new String[] {null, "", "default", "auto", "standard", "ON_DEMAND", "PAYG"}) {
      assertThat(ServiceTiers.normalize(standard)).as(standard).isEmpty();
    }
    assertThat(ServiceTiers.normalize("flex")).isEqualTo("flex");
    assertThat(ServiceTiers.normalize(" Priority ")).isEqualTo("priority");
    assertThat(ServiceTiers.normalize("scale")).isEqualTo("scale");
  }

  @Test
  void batchApiUrls() {
    assertThat(ServiceTiers.isBatchUrl("https://api.openai.com/v1/batches")).isTrue();
    assertThat(ServiceTiers.isBatchUrl("https://api.anthropic.com/v1/messages/batches/msgbatch_01/results")).isTrue();
    assertThat(ServiceTiers.isBatchUrl("https://bedrock.us-east-1.amazonaws.com/model-invocation-job/abc")).isTrue();
    assertThat(ServiceTiers.isBatchUrl("https://api.openai.com/v1/chat/completions")).isFalse();
    assertThat(ServiceTiers.isBatchUrl(null)).isFalse();
  }
}
