#!/usr/bin/env bash
# Runs the ClickHouse module's JMH benchmarks (the sink's reading of cost records): bench/jmh.sh for this module.
#   clickhouse/jmh.sh                  # CostRecordReadBenchmark (the classpath also holds cost-engine's)
#   clickhouse/jmh.sh -f 3 CostRecordRead   # any JMH option passes through; name the benchmark then
exec "$(dirname "$0")/../bench/jmh.sh" clickhouse "${@:-CostRecordReadBenchmark}"
