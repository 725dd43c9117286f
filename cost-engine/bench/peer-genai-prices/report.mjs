// Merges the runs' results (run.sh: RUNS_DIR/run-K/{node,java}.json), prints the table and writes
// the results JSON.   node report.mjs RUNS_DIR OUT.json
// Machine facts come from run.sh's environment (MACHINE_*), so the JSON says where it was measured.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [runsDir, out] = process.argv.slice(2);
const read = (f) => JSON.parse(readFileSync(f, 'utf8'));
const runs = readdirSync(runsDir)
  .filter((d) => d.startsWith('run-'))
  .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
  .map((d) => ({
    node: read(join(runsDir, d, 'node.json')),
    java: read(join(runsDir, d, 'java.json')),
    load: ['load-before', 'load-after'].map((f) => readFileSync(join(runsDir, d, f), 'utf8').trim()).join(' -> '),
  }));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const first = runs[0];
const costpipeRuns = runs.map((r) => r.java.calls_per_s_median);
const genaiRuns = runs.map((r) => r.node.calls_per_s_median);
const costpipe = Math.round(median(costpipeRuns));
const genai = Math.round(median(genaiRuns));
const ratio = costpipe / genai;
const cmp = first.java.comparison;
// Every run prices the same file: the comparisons must agree, else something is not deterministic.
for (const r of runs) {
  if (JSON.stringify(r.java.comparison) !== JSON.stringify(cmp)) throw new Error('runs disagree on the comparison');
}

const models = {};
for (const [pm, m] of Object.entries(first.java.models)) {
  const g = first.node.matched_models[pm];
  models[pm] = { ...m, genai_prices_model: g?.model ?? null, genai_prices_prices_mtok: g?.prices_mtok ?? null };
}

const result = {
  benchmark: 'costpipe vs @pydantic/genai-prices calcPrice, same usage records, same run, one thread each',
  costpipe_calls_per_s: costpipe,
  genai_prices_calls_per_s: genai,
  costpipe_vs_genai_prices: Number(ratio.toFixed(2)),
  target_ratio: 20,
  target_met: ratio >= 20,
  records: first.java.records,
  rounds: first.java.rounds,
  warmup: 'at least WARMUP rounds and WARMUP_SECONDS per engine and run (run.sh --warmup, --warmup-seconds)',
  costpipe_warmup_rounds_per_run: runs.map((r) => r.java.warmup_rounds),
  genai_prices_warmup_rounds_per_run: runs.map((r) => r.node.warmup_rounds),
  runs: runs.length,
  aggregation: runs.length > 1 ? 'median over runs of each run\'s median round' : 'median round',
  costpipe_calls_per_s_per_run: costpipeRuns,
  genai_prices_calls_per_s_per_run: genaiRuns,
  loadavg_1min_per_run: runs.map((r) => r.load),
  costpipe_round_calls_per_s: runs.map((r) => r.java.round_calls_per_s),
  genai_prices_round_calls_per_s: runs.map((r) => r.node.round_calls_per_s),
  genai_prices_inexact_records: cmp.genai_prices_inexact_records,
  price_mismatches: cmp.price_mismatches,
  genai_prices_unpriced: cmp.genai_prices_unpriced,
  genai_prices_not_nearest_double: cmp.genai_prices_not_nearest_double,
  genai_prices_nano_usd_differs: cmp.genai_prices_nano_usd_differs,
  comparison: cmp,
  costpipe_checksum_nano_usd: first.java.checksum_nano_usd,
  genai_prices_checksum_total_price: first.node.checksum_total_price,
  priced_at: first.java.at,
  usage: {
    seed: Number(process.env.USAGE_SEED),
    sha256: process.env.USAGE_SHA256,
    models,
  },
  genai_prices_version: first.node.genai_prices_version,
  machine: {
    nproc: Number(process.env.MACHINE_NPROC),
    cpu_model: process.env.MACHINE_CPU,
    java_version: process.env.MACHINE_JAVA,
    node_version: process.env.MACHINE_NODE,
    loadavg_before: process.env.MACHINE_LOAD_BEFORE,
    loadavg_after: process.env.MACHINE_LOAD_AFTER,
    date: process.env.MACHINE_DATE,
  },
};
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

// ---- the table ----
const fmt = (x) => Math.round(x).toLocaleString('en-US');
const pct = (k) => `${((100 * k) / result.records).toFixed(2)}%`;
const lines = [];
lines.push('');
lines.push(`costpipe vs @pydantic/genai-prices ${result.genai_prices_version}: ${fmt(result.records)} usage records, ` +
  `${result.rounds} timed rounds after warm-up, ${result.runs} run(s), one thread each`);
lines.push(`machine: ${result.machine.nproc} CPU(s), ${result.machine.cpu_model}; ${result.machine.java_version}; node ${result.machine.node_version}; ` +
  `load ${result.machine.loadavg_before} -> ${result.machine.loadavg_after}`);
lines.push('');
lines.push('| engine | calls/s (median) | per run (median round) |');
lines.push('|---|---:|---|');
lines.push(`| costpipe: resolve + planAt + compute().nanoUsd() | ${fmt(costpipe)} | ${costpipeRuns.map(fmt).join(', ')} |`);
lines.push(`| genai-prices: calcPrice(usage, model, {providerId, timestamp}) | ${fmt(genai)} | ${genaiRuns.map(fmt).join(', ')} |`);
lines.push(`| costpipe / genai-prices | ${ratio.toFixed(1)}x | target >= 20x: ${result.target_met ? 'met' : 'NOT met'} |`);
lines.push(`| (1-min load average around each run) | | ${result.loadavg_1min_per_run.join(', ')} |`);
lines.push('');
lines.push('| exactness, per record | records |');
lines.push('|---|---:|');
lines.push(`| catalogue prices differ (beyond float noise, relative > ${cmp.price_mismatch_tolerance_relative}) | ${fmt(cmp.price_mismatches)} (${pct(cmp.price_mismatches)}) |`);
lines.push(`| same prices, genai-prices' number is not the exact decimal | ${fmt(cmp.genai_prices_inexact_records)} (${pct(cmp.genai_prices_inexact_records)}) |`);
lines.push(`| same prices, not even the double nearest the exact cost | ${fmt(cmp.genai_prices_not_nearest_double)} (${pct(cmp.genai_prices_not_nearest_double)}) |`);
lines.push(`| same prices, rounded to nano-USD gives another amount | ${fmt(cmp.genai_prices_nano_usd_differs)} (${pct(cmp.genai_prices_nano_usd_differs)}) |`);
lines.push(`| unpriced by genai-prices | ${fmt(cmp.genai_prices_unpriced)} |`);
for (const e of cmp.genai_prices_inexact_examples.slice(0, 3)) {
  lines.push(`  inexact: ${e.model}: exact $${e.costpipe_exact_usd}, genai-prices ${e.genai_prices_total_price}`);
}
for (const e of cmp.genai_prices_nano_usd_differs_examples.slice(0, 2)) {
  lines.push(`  nano-USD: ${e.model}: exact $${e.costpipe_exact_usd} = ${e.costpipe_nano_usd} nano, genai-prices ${e.genai_prices_total_price} -> ${e.genai_prices_rounded_nano_usd} nano`);
}
for (const [pm, k] of Object.entries(cmp.price_mismatches_by_model)) {
  const m = models[pm];
  lines.push(`  price mismatch: ${pm}: ${fmt(k)} records`);
  lines.push(`    costpipe ${m.costpipe_model_key} (checked ${m.costpipe_checked}): ${JSON.stringify(m.costpipe_rates_mtok)}` +
    (m.costpipe_tiers ? ` tiers ${JSON.stringify(m.costpipe_tiers)}` : ''));
  lines.push(`    genai-prices ${m.genai_prices_model}: ${JSON.stringify(m.genai_prices_prices_mtok)}`);
}
for (const e of cmp.price_mismatch_examples.slice(0, 4)) {
  lines.push(`    e.g. in=${e.input_tokens} cr=${e.cache_read_tokens} cw=${e.cache_write_tokens} out=${e.output_tokens}: ` +
    `costpipe $${e.costpipe_exact_usd}, genai-prices ${e.genai_prices_total_price} (x${e.ratio_genai_prices_to_costpipe.toFixed(4)})`);
}
lines.push('');
lines.push(`results: ${out}`);
console.log(lines.join('\n'));
