#!/usr/bin/env bash
# Runs the cost engine's JMH benchmarks (not part of the unit tests).
#   cost-engine/jmh.sh                 # every benchmark (cost, extraction, catalogue load)
#   cost-engine/jmh.sh -f 3 -rf json   # any JMH option passes through
#   cost-engine/jmh.sh CostComputation # one benchmark (a regex)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -pl cost-engine -am test-compile -DskipTests
mvn -q -B -pl cost-engine dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
cp="cost-engine/target/test-classes:cost-engine/target/classes:$(cat cost-engine/target/jmh.classpath)"
exec java -cp "$cp" org.openjdk.jmh.Main "$@"
