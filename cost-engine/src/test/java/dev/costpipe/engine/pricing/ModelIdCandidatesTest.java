package dev.costpipe.engine.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelIdCandidatesTest {

  @Test
  void bedrockDecorationsAreRemovedFromBedrockShapedIds() {
    assertThat(ModelIdCandidates.of("us.anthropic.claude-3-5-haiku-20241022-v1:0"))
        .contains("claude-3-5-haiku-20241022", "claude-3-5-haiku");
    assertThat(ModelIdCandidates.of("amazon.nova-lite-v1")).contains("nova-lite");
    assertThat(ModelIdCandidates.of("claude-3-haiku-20240307-v1:0")).contains("claude-3-haiku-20240307");
  }

  @Test
  void aVersionSuffixOfAnotherModelIsKept() {
    // a model called "deepseek-coder-v9" is not deepseek-coder: priced as it, it would be priced silently wrong
    assertThat(ModelIdCandidates.of("deepseek-coder-v9")).containsExactly("deepseek-coder-v9");
  }
}
