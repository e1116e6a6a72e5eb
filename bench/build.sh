#!/usr/bin/env bash
# Builds bench/target/benchmarks.jar: installs the library (tests skipped), then packages the JMH module.
# Run from anywhere; JMH forks add --add-modules jdk.incubator.vector themselves. Run the jar with JDK 25's java:
#   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar bench/target/benchmarks.jar GemmBenchmark -p backend=vector ...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mvn -B -ntp -f "$root/pom.xml" install -DskipTests
mvn -B -ntp -f "$root/bench/pom.xml" package
ls -l "$root/bench/target/benchmarks.jar"
