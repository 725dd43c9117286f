#!/usr/bin/env bash
# Runs the cost engine's JMH benchmarks (cost, extraction, catalogue load): bench/jmh.sh for this module.
#   cost-engine/jmh.sh                 # every benchmark
#   cost-engine/jmh.sh -f 3 -rf json   # any JMH option passes through
#   cost-engine/jmh.sh CostComputation # one benchmark (a regex)
exec "$(dirname "$0")/../bench/jmh.sh" cost-engine "$@"
