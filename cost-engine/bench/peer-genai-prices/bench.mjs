// The genai-prices half of the peer comparison (run.sh runs it; see README.md).
//
//   node bench.mjs USAGE.jsonl [--rounds 5] [--warmup 3] [--warmup-seconds 2] [--at ISO]
//                  [--prices-out F] [--result-out F]
//   node bench.mjs --known PROVIDER/MODEL...   # prints the ones genai-prices prices, one per line
//
// The package is loaded from $GENAI_PRICES_PREFIX (where run.sh ran `npm install --prefix`), so
// nothing is installed in the repository; without it, a normal `import` is tried.
//
// Timed: calcPrice(usage, model, {providerId, timestamp}) for every record, untimed warm-up rounds
// (at least `warmup` of them and `warmup-seconds` long) then `rounds` timed ones; the median round's
// calls/s is reported. calcPrice resolves the provider and the model on every call (a linear scan of
// the provider's match rules, some of them regexes built per call) and then prices the usage in
// floating point: both are its cost per call, as costpipe's hash-map resolution is part of its own.
// Untimed afterwards: each record's total_price, as the number genai-prices returns and its string
// form (String(x), the shortest string that reads back as the same double), to --prices-out.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function loadGenaiPrices() {
  const prefix = process.env.GENAI_PRICES_PREFIX;
  if (!prefix) return { ...(await import('@pydantic/genai-prices')), version: 'unknown' };
  const dir = join(prefix, 'node_modules', '@pydantic', 'genai-prices');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  // the package's ESM build, as `import '@pydantic/genai-prices'` would pick it
  const mod = await import(pathToFileURL(join(dir, pkg.exports['.'].import.default)).href);
  return { ...mod, version: pkg.version };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

const { calcPrice, version } = await loadGenaiPrices();
const at = new Date(arg('at', '2026-06-01T12:00:00Z'));

if (process.argv[2] === '--known') {
  for (const pm of process.argv.slice(3)) {
    const slash = pm.indexOf('/');
    const probe = { input_tokens: 1000, output_tokens: 100 };
    if (slash > 0 && calcPrice(probe, pm.slice(slash + 1), { providerId: pm.slice(0, slash), timestamp: at })) {
      console.log(pm);
    }
  }
  process.exit(0);
}

const usagePath = process.argv[2];
if (!usagePath) throw new Error('usage: node bench.mjs USAGE.jsonl [--rounds 5] [--warmup 3] ...');
const rounds = Number(arg('rounds', '5'));
const warmup = Number(arg('warmup', '3'));
const warmupSeconds = Number(arg('warmup-seconds', '2'));

// Load everything before timing: the benchmark is the price computation, not JSON parsing.
// One options object per provider, shared by its records: no allocation on genai-prices' behalf.
const optionsByProvider = new Map();
const records = readFileSync(usagePath, 'utf8').split('\n').filter(Boolean).map((line) => {
  const r = JSON.parse(line);
  if (!optionsByProvider.has(r.provider)) optionsByProvider.set(r.provider, { providerId: r.provider, timestamp: at });
  return {
    model: r.model,
    options: optionsByProvider.get(r.provider),
    usage: {
      input_tokens: r.input_tokens,
      cache_read_tokens: r.cache_read_tokens,
      cache_write_tokens: r.cache_write_tokens,
      output_tokens: r.output_tokens,
    },
  };
});
const n = records.length;

function round() {
  let sink = 0;
  for (let k = 0; k < n; k++) {
    const r = records[k];
    sink += calcPrice(r.usage, r.model, r.options).total_price; // null (unpriced) would throw here
  }
  return sink;
}

// Warm-up: at least `warmup` rounds and at least `warmupSeconds` (V8's optimising tiers kick in).
let checksum = 0;
let warmupRounds = 0;
const warmupStart = process.hrtime.bigint();
while (warmupRounds < warmup || Number(process.hrtime.bigint() - warmupStart) < warmupSeconds * 1e9) {
  checksum = round();
  warmupRounds++;
}
const perRound = [];
for (let i = 0; i < rounds; i++) {
  const t0 = process.hrtime.bigint();
  const sum = round();
  const t1 = process.hrtime.bigint();
  perRound.push(n / (Number(t1 - t0) / 1e9));
  if (warmupRounds > 0 && sum !== checksum) throw new Error(`rounds disagree: ${sum} vs ${checksum}`);
  checksum = sum;
}
const sorted = [...perRound].sort((a, b) => a - b);
const median = rounds % 2 ? sorted[(rounds - 1) / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;

// Untimed: each record's price as genai-prices returns it, and which of its models (and prices) matched.
const modelIds = {};
const prices = new Array(n);
for (let k = 0; k < n; k++) {
  const r = records[k];
  const p = calcPrice(r.usage, r.model, r.options);
  const key = `${r.options.providerId}/${r.model}`;
  if (p && !modelIds[key]) modelIds[key] = { model: `${p.provider.id}/${p.model.id}`, prices_mtok: p.model_price };
  prices[k] = JSON.stringify({
    model_id: p ? p.model.id : null,
    total_price: p ? p.total_price : null,
    total_price_str: p ? String(p.total_price) : null,
  });
}
if (arg('prices-out')) writeFileSync(arg('prices-out'), prices.join('\n') + '\n');

const result = {
  genai_prices_version: version,
  node_version: process.version,
  records: n,
  rounds,
  warmup_rounds: warmupRounds,
  at: at.toISOString(),
  round_calls_per_s: perRound.map(Math.round),
  calls_per_s_median: Math.round(median),
  checksum_total_price: checksum,
  matched_models: modelIds,
};
if (arg('result-out')) writeFileSync(arg('result-out'), JSON.stringify(result, null, 2) + '\n');
console.log(`genai-prices ${version}: ${n} records, median ${Math.round(median)} calls/s over ${rounds} rounds`);
