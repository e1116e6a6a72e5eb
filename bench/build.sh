#!/usr/bin/env bash
# Builds bench/target/benchmarks.jar: installs the library (tests skipped), then packages the JMH module.
# Run from anywhere; JMH forks add --add-modules jdk.incubator.vector themselves. Run the jar with JDK 25's java:
#   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar bench/target/benchmarks.jar GemmBenchmark -p backend=vector ...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# Maven itself must run on JDK 25: the library jar is modular and the jar plugin runs Maven's JDK's jar tool on it.
if ! "${JAVA_HOME:-/nonexistent}/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  for j in /usr/lib/jvm/*; do
    if "$j/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then export JAVA_HOME="$j"; break; fi
  done
fi
mvn -B -ntp -f "$root/pom.xml" install -DskipTests
mvn -B -ntp -f "$root/bench/pom.xml" package
ls -l "$root/bench/target/benchmarks.jar"
