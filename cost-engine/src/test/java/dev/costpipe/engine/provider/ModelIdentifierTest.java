package dev.costpipe.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.ProviderInfo;
import dev.costpipe.engine.json.Json;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelIdentifierTest {
  private final ModelIdentifier identifier = new ModelIdentifier(
      new ProviderDetector(CatalogueLoader.builtIn().providers()),
      CatalogueLoader.builtIn().providers().stream().map(ProviderInfo::id).collect(Collectors.toSet()));

  @Test
  void modelProviderDeploymentStrings() {
    assertThat(identifier.identify(null, "claude-3.5-haiku/bedrock/us-west-2", null, null))
        .isEqualTo(new ModelRef("bedrock", "claude-3.5-haiku", "us-west-2"));
    assertThat(identifier.identify(null, "gpt-4o/azure", null, null)).isEqualTo(new ModelRef("azure", "gpt-4o", null));
    assertThat(identifier.identify("openrouter", "anthropic/claude-sonnet-4", null, null))
        .isEqualTo(new ModelRef("openrouter", "anthropic/claude-sonnet-4", null));
    assertThat(identifier.identify("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct", null, null).model())
        .isEqualTo("accounts/fireworks/models/llama-v3p1-8b-instruct");
  }

  @Test
  void fromUrlAndBody() throws Exception {
    assertThat(identifier.identify(null, null,
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse", null))
        .isEqualTo(new ModelRef("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-1"));
    assertThat(identifier.identify(null, null,
        "https://bedrock-runtime.us-west-2.amazonaws.com/model/amazon.nova-lite-v1:0/converse-stream", null))
        .isEqualTo(new ModelRef("bedrock", "amazon.nova-lite-v1:0", "us-west-2"));
    assertThat(identifier.identify(null, null,
        "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict",
        null).model()).isEqualTo("claude-sonnet-4-5@20250929");
    assertThat(identifier.identify(null, null,
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", null))
        .isEqualTo(new ModelRef("google", "gemini-2.5-pro", null));
    assertThat(identifier.identify(null, null, "https://api.openai.com/v1/chat/completions",
        Json.MAPPER.readTree("{\"model\":\"gpt-4.1\"}"))).isEqualTo(new ModelRef("openai", "gpt-4.1", null));
    assertThat(identifier.identify(null, null, null, null)).isEqualTo(new ModelRef(null, null, null));
  }
}
