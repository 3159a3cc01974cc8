#!/usr/bin/env bash
# What delivering a webinar round to N loopback sockets costs on this machine, for any server design
# (issue 9; dev.mcu.bench.load.UdpFanoutFloor): a sender JVM and a receiver JVM per case, their CPU
# from /proc. Not part of `mvn verify`. Uses the server jar's Netty; builds it unless SKIP_BUILD=1.
#
#   benchmarks/run-udp-floor.sh [--receivers 5000] [--seconds 10] [--warmup 3] [--repeats 3] \
#       [--cases per-socket/nio,per-socket/read,per-socket/recvmmsg,sendmmsg/read,sendmmsg/recvmmsg,...]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${JAR:-mcu-app/target/mcu-app.jar}
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -s "$jar" ]; then
  mvn -B -q -o -DskipTests -pl mcu-app -am package || mvn -B -q -DskipTests -pl mcu-app -am package
fi
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
javac -d "$classes" -cp "$jar" $(find benchmarks/src/main/java/dev/mcu/bench/load -name '*.java') 2>&1 | grep -v '^Note:' || true
[ -s "$classes/dev/mcu/bench/load/UdpFanoutFloor.class" ] || { echo "run-udp-floor: compile failed" >&2; exit 1; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$classes:$jar" dev.mcu.bench.load.UdpFanoutFloor "$@"
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
