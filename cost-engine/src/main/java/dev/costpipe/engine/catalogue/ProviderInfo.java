package dev.costpipe.engine.catalogue;

import java.util.regex.Pattern;

/** A provider's header in the catalogue: its id, name, pricing page and the URL pattern that detects it. */
public record ProviderInfo(String id, String name, String pricingUrl, Pattern apiPattern) {}
