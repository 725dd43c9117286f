#!/usr/bin/env bash
# Records src/test/resources/expected-on-clickhouse-18.16.json again (RecordExpectedResults: the scenario on the
# local KRaft broker and ClickHouse 18.16 test servers). Needs clickhouse-server 18.16 and the Kafka jars, not
# Docker nor Testcontainers: the two classes are compiled against the clickhouse module's test classpath, which
# holds the topology, its test classes and test-support.
set -euo pipefail
cd "$(dirname "$0")/.."
# one reactor build: the module's siblings resolve to their target/ directories (nothing is installed)
mvn -q -B -o -pl clickhouse -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/recorder.classpath -Dmdep.includeScope=test
root=$PWD
cp="$root/clickhouse/target/classes:$(cat clickhouse/target/recorder.classpath)"
out=containers-it/target/recorder-classes
mkdir -p "$out"
javac -d "$out" -cp "$cp" containers-it/src/test/java/dev/costpipe/containers/{PipelineScenario,RecordExpectedResults}.java
cd containers-it
exec java -cp "$root/$out:$cp" dev.costpipe.containers.RecordExpectedResults
