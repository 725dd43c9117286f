#!/usr/bin/env bash
# Runs a module's JMH benchmarks (its test sources; not part of the unit tests).
#   bench/jmh.sh cost-engine                    # every benchmark of the module
#   bench/jmh.sh clickhouse -f 3 -rf json       # any JMH option passes through
#   bench/jmh.sh cost-engine CostComputation    # one benchmark (a regex)
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?usage: bench/jmh.sh MODULE [JMH options and benchmark regex]}
shift
# one reactor build: the module's siblings resolve to their target/ directories (nothing is installed)
mvn -q -B -pl "$module" -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/jmh.classpath")"
exec java -cp "$cp" org.openjdk.jmh.Main "$@"
