// Writes N usage records (JSON lines) from a fixed seed, with realistic token counts per provider.
//
//   node gen-usage.mjs --candidates                      # the candidate models, provider/model per line
//   node gen-usage.mjs --models FILE --records N --seed S --out usage.jsonl
//
// --models lists the provider/model lines to use (run.sh passes the ones BOTH catalogues price);
// each keeps its weight below, renormalised. Every record has genai-prices' usage semantics, which
// are also costpipe's: input_tokens counts ALL prompt tokens (uncached + cache reads + cache writes),
// cache_read_tokens and cache_write_tokens are parts of it, output_tokens counts all completion
// tokens (reasoning included: neither side prices it apart for these models).
//
// A seeded 32-bit PRNG (integer arithmetic, the same everywhere) drives everything, so the same seed
// gives the same file; Math.log/exp/cos are not bit-specified across JS engines, so run.sh records
// the file's sha256 in the results to make "the same file" checkable.
import { readFileSync, writeFileSync } from 'node:fs';

// provider, model as called (dated ids where the API answers with one), weight (share of traffic), profile
const CANDIDATES = [
  ['openai', 'gpt-4o-mini', 18, 'openai'],
  ['openai', 'gpt-4o', 12, 'openai'],
  ['openai', 'gpt-4.1', 8, 'openai'],
  ['openai', 'gpt-4.1-mini', 8, 'openai'],
  ['openai', 'o3-mini', 4, 'openai-reasoning'],
  ['openai', 'o4-mini', 5, 'openai-reasoning'],
  ['openai', 'gpt-5', 6, 'openai-reasoning'],
  ['openai', 'gpt-5-mini', 5, 'openai-reasoning'],
  ['anthropic', 'claude-sonnet-4-5-20250929', 10, 'anthropic-long'],
  ['anthropic', 'claude-sonnet-4-20250514', 4, 'anthropic-long'],
  ['anthropic', 'claude-haiku-4-5-20251001', 5, 'anthropic'],
  ['anthropic', 'claude-3-5-haiku-20241022', 4, 'anthropic'],
  ['anthropic', 'claude-opus-4-5-20251101', 2, 'anthropic'],
  ['google', 'gemini-2.5-pro', 5, 'google-long'],
  ['google', 'gemini-2.5-flash', 6, 'google'],
  ['google', 'gemini-2.5-flash-lite', 2, 'google'],
  ['google', 'gemini-2.0-flash', 3, 'google'],
];

// mulberry32: tiny, well known, and identical on every JS engine (integer ops only).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed) {
  const rnd = prng(seed);
  const between = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  // log-normal around a median: prompt and completion sizes have long right tails
  const logNormal = (median, sigma, lo, hi) => {
    const u1 = 1 - rnd(); // (0, 1]: log(0) never happens
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd());
    return Math.min(hi, Math.max(lo, Math.round(median * Math.exp(sigma * z))));
  };
  const profiles = {
    // OpenAI: automatic prompt caching for prompts >= 1024 tokens, in 128-token steps; no write fee.
    openai: () => openai(logNormal(250, 1.0, 1, 16_384)),
    'openai-reasoning': () => openai(logNormal(1_500, 1.0, 1, 100_000)), // output includes reasoning
    // Anthropic: explicit cache_control; reads are cheap, writes cost 1.25x input; a conversation
    // usually reads a long cached prefix and writes its newest turns.
    anthropic: () => anthropic(logNormal(4_000, 1.3, 10, 190_000)),
    // Sonnet 4 / 4.5 with the 1M-context beta: ~3% of calls above 200k input (the long-context tier).
    'anthropic-long': () => anthropic(rnd() < 0.03 ? between(200_001, 600_000) : logNormal(4_000, 1.3, 10, 190_000)),
    // Gemini: implicit caching (reads only), long prompts common.
    google: () => google(logNormal(3_000, 1.4, 5, 1_000_000)),
    // Gemini 2.5 Pro: ~4% above 200k input (its long-context tier).
    'google-long': () => google(rnd() < 0.04 ? between(200_001, 900_000) : logNormal(3_000, 1.4, 5, 200_000)),
  };
  function openai(output) {
    const input = logNormal(1_800, 1.2, 20, 128_000);
    let cacheRead = 0;
    if (input >= 1_024 && rnd() < 0.45) {
      cacheRead = Math.max(1_024, Math.floor((input * (0.3 + 0.65 * rnd())) / 128) * 128);
    }
    return { input_tokens: input, cache_read_tokens: cacheRead, cache_write_tokens: 0, output_tokens: output };
  }
  function anthropic(input) {
    let cacheRead = 0;
    let cacheWrite = 0;
    if (input >= 1_024 && rnd() < 0.55) cacheRead = Math.floor(input * (0.5 + 0.48 * rnd()));
    if (input - cacheRead >= 1_024 && rnd() < 0.35) cacheWrite = Math.floor((input - cacheRead) * (0.3 + 0.7 * rnd()));
    const output = logNormal(400, 1.1, 1, 32_000);
    return { input_tokens: input, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: output };
  }
  function google(input) {
    const cacheRead = input >= 2_048 && rnd() < 0.3 ? Math.floor(input * (0.2 + 0.7 * rnd())) : 0;
    const output = logNormal(500, 1.2, 1, 65_536);
    return { input_tokens: input, cache_read_tokens: cacheRead, cache_write_tokens: 0, output_tokens: output };
  }
  return { rnd, profiles };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  return process.argv[i + 1];
}

if (process.argv.includes('--candidates')) {
  for (const [provider, model] of CANDIDATES) console.log(`${provider}/${model}`);
  process.exit(0);
}

const wanted = new Set(readFileSync(arg('models'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
const models = CANDIDATES.filter(([p, m]) => wanted.has(`${p}/${m}`));
if (models.length === 0) throw new Error('no model left to generate usage for');
const records = Number(arg('records', '200000'));
const { rnd, profiles } = generator(Number(arg('seed', '42')));
const totalWeight = models.reduce((s, m) => s + m[2], 0);

const lines = new Array(records);
for (let k = 0; k < records; k++) {
  // pick a model by weight
  let x = rnd() * totalWeight;
  let chosen = models[models.length - 1];
  for (const m of models) {
    if ((x -= m[2]) < 0) {
      chosen = m;
      break;
    }
  }
  const [provider, model, , profile] = chosen;
  lines[k] = JSON.stringify({ provider, model, ...profiles[profile]() });
}
writeFileSync(arg('out'), lines.join('\n') + '\n');
