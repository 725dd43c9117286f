package dev.costpipe.engine.pricing;

/** Rates that replace the base rates for the whole request once input_tokens exceeds the threshold. */
public record PriceTier(long aboveInputTokens, Rates rates) {}
