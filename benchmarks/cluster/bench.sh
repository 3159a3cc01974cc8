#!/usr/bin/env bash
# Several MCU nodes behind Kamailio (issue 13): call set-up rate through the proxy (sipp), and
# viewers per fan-out node (nginx-rtmp serving HLS of a room's program, simulated players).
#
# Builds the same layout as mcu-app's ClusterEndToEndTest with deploy/'s configs: a namespace with
# a bridge (198.19.78.1), Redis and Kamailio; NODES nodes (the built mcu-app.jar), each in its own
# namespace; sipp in a phones' namespace. For each rate in RATES, sipp places RATE x SECONDS calls
# (INVITE, 200 OK, ACK and BYE along the Record-Route, 1 s long, PCMU without RTP) into 20 rooms
# and reports the calls that succeeded, the rate achieved and INVITE-to-200 times. Then a baresip
# phone (a moving test picture, so the program costs real bits) opens room 'webinar', its node pushes the program (VIDEO, default 1280x720 at 30 fps,
# 1,500 kbit/s) over RTMP to the fan-out node (deploy/nginx/fanout.conf), and for each count in
# VIEWERS, hls_viewers.py plays the HLS stream with that many players for VIEWER_SECONDS; the
# fan-out node's CPU seconds are read from /proc. Needs root.
#
#   mvn -B -q -pl mcu-app -am -DskipTests package
#   benchmarks/cluster/bench.sh     # NODES=2 RATES="50 100 200" SECONDS_PER_RATE=10 VIEWERS="100 300 1000" VIEWER_SECONDS=20
set -euo pipefail
cd "$(dirname "$0")/../.."
NODES=${NODES:-2}
RATES=${RATES:-"50 100 200"}
SECONDS_PER_RATE=${SECONDS_PER_RATE:-10}
VIEWERS=${VIEWERS:-"100 300 1000"}
VIEWER_SECONDS=${VIEWER_SECONDS:-20}
VIDEO=${VIDEO:-"video.width=1280 video.height=720 video.fps=30 video.bitrateKbps=1500"}
JAR=$(pwd)/mcu-app/target/mcu-app.jar
[ -f "$JAR" ] || { echo "build the server first: mvn -B -q -pl mcu-app -am -DskipTests package" >&2; exit 1; }
for b in kamailio redis-server redis-cli sipp ip nginx baresip python3 curl; do
  command -v $b >/dev/null || { echo "$b is missing (apt-get install -y kamailio kamailio-redis-modules redis-server sip-tester iproute2)" >&2; exit 1; }
done
P=mcuso-b$$
NET=198.19.78
WORK=$(mktemp -d /tmp/mcu-cluster-bench.XXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for ns in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do
    for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns"
  done
}
trap cleanup EXIT

ip netns add $P-sip; ip -n $P-sip link set lo up
ip -n $P-sip link add br0 type bridge; ip -n $P-sip link set br0 up; ip -n $P-sip addr add $NET.1/24 dev br0
attach() { # name address
  ip netns add $P-$1; ip -n $P-$1 link set lo up
  ip link add eth0 netns $P-$1 type veth peer name v-$1 netns $P-sip
  ip -n $P-$1 addr add $2/24 dev eth0; ip -n $P-$1 link set eth0 up
  ip -n $P-sip link set v-$1 master br0; ip -n $P-sip link set v-$1 up
}
attach ph $NET.9
attach fo $NET.20
: > $WORK/dispatcher.list
for n in $(seq 1 $NODES); do attach n$n $NET.$((10 + n)); echo "1 sip:$NET.$((10 + n)):5060" >> $WORK/dispatcher.list; done

ip netns exec $P-sip redis-server deploy/redis/redis.conf --bind $NET.1 --dir $WORK > $WORK/redis.log 2>&1 & PIDS+=($!)
until ip netns exec $P-sip redis-cli -h $NET.1 ping >/dev/null 2>&1; do sleep 0.2; done
for n in $(seq 1 $NODES); do
  mkdir -p $WORK/n$n
  (cd $WORK/n$n && exec ip netns exec $P-n$n java -Xmx1g -jar "$JAR" --set sip.address=$NET.$((10 + n)) \
     --set http.httpsPort=0 --set sip.wsPort=0 --set sip.wssPort=0 --set sip.tlsPort=0 --set webrtc.port=0 --set sip.floodLimitPerSecond=0 \
     --set rooms.maxCalls=5000 --set rooms.maxParticipants=1000 $(for v in $VIDEO; do echo --set $v; done) \
     --set http.port=8080 --set admin.token=cluster-bench-admin-token-0123 \
     --set cluster.redisUri=redis://$NET.1:6379 > server.log 2>&1) & PIDS+=($!)
done
mkdir -p $WORK/kamailio-run
MCU_LISTEN=udp:$NET.1:5060 MCU_REDIS="name=registry;addr=$NET.1;port=6379" MCU_DISPATCHER_LIST=$WORK/dispatcher.list \
  ip netns exec $P-sip kamailio -f deploy/kamailio/kamailio.cfg -Y $WORK/kamailio-run -DD -E > $WORK/kamailio.log 2>&1 & PIDS+=($!)
for i in $(seq 1 300); do
  [ "$(ip netns exec $P-sip redis-cli -h $NET.1 zcard mcu:nodes:ready)" = "$NODES" ] && break; sleep 0.2
done
sleep 2
(echo SEQUENTIAL; for i in $(seq 0 19); do echo "bench$i;"; done) > $WORK/rooms.csv
echo "nodes: $NODES; $(nproc) cores shared by proxy, Redis, nodes and sipp; logs in $WORK"
printf '%6s %8s %8s %8s %10s %8s %8s %8s\n' rate calls ok failed achieved p50_ms p95_ms p99_ms
for rate in $RATES; do
  calls=$((rate * SECONDS_PER_RATE))
  rm -f $WORK/*_rtt.csv
  (cd $WORK && ip netns exec $P-ph sipp $NET.1:5060 -sf "$OLDPWD/benchmarks/cluster/uac-through-proxy.xml" -inf rooms.csv \
     -i $NET.9 -p 5090 -r $rate -m $calls -l $((rate * 4)) -d 1000 -nostdin -timeout $((SECONDS_PER_RATE * 4 + 30)) \
     -trace_rtt -rtt_freq 1 > sipp-$rate.out 2>&1 || true)
  ok=$(awk -F'|' '/Successful call/{gsub(/ /,"",$3); print $3}' $WORK/sipp-$rate.out)
  failed=$(awk -F'|' '/Failed call/{gsub(/ /,"",$3); print $3}' $WORK/sipp-$rate.out)
  achieved=$(awk -F'|' '/Call Rate/{gsub(/ |cps/,"",$3); print $3}' $WORK/sipp-$rate.out)
  read -r p50 p95 p99 < <(tail -n +2 $WORK/*_rtt.csv | cut -d';' -f2 | sort -n | awk '{v[NR]=$1} END {
      if (NR == 0) { print "- - -"; exit }
      printf "%.1f %.1f %.1f\n", v[int(NR*0.5)+1], v[int(NR*0.95) < NR ? int(NR*0.95)+1 : NR], v[int(NR*0.99) < NR ? int(NR*0.99)+1 : NR] }')
  printf '%6s %8s %8s %8s %10s %8s %8s %8s\n' $rate $calls "${ok:-?}" "${failed:-?}" "${achieved:-?}" $p50 $p95 $p99
  sleep 2
done

# Fan-out: room 'webinar' on a node, its program pushed to nginx-rtmp, many HLS players.
mkdir -p $WORK/fanout/hls
sed -e "s|FANOUT_ADDRESS|$NET.20|g" -e "s|HLS_DIR|$WORK/fanout|g" -e "s|PUBLISHERS|$NET.0/24|g" \
  -e "s|JANUS_DIR|$(pwd)/deploy/janus|g" deploy/nginx/fanout.conf \
  > $WORK/fanout/nginx.conf
ip netns exec $P-fo nginx -c $WORK/fanout/nginx.conf -p $WORK/fanout > $WORK/fanout/nginx.out 2>&1 & PIDS+=($!)
ip netns exec $P-fo janus -C deploy/janus/janus.jcfg -F deploy/janus > $WORK/fanout/janus.log 2>&1 & JANUS=$!; PIDS+=($JANUS)
mkdir -p $WORK/phone
cat > $WORK/phone/config <<CONF
sip_listen $NET.9:5070
net_interface $NET.9
audio_player alsa,null
audio_source ausine,440
ausrc_srate 48000
ausrc_channels 2
video_source avformat,lavfi,testsrc2=size=640x360:rate=25
video_display fakevideo,nil
rtp_ports 20000-20019
module_path /usr/lib/baresip/modules
module g711.so
module ausine.so
module avformat.so
module avcodec.so
module vp8.so
module fakevideo.so
module_tmp uuid.so
module_tmp account.so
module_app menu.so
CONF
echo "<sip:viewer-host@$NET.9:5070>;regint=0;answermode=auto;video_codecs=vp8" > $WORK/phone/accounts
ip netns exec $P-ph baresip -f $WORK/phone -t 3600 -e "/dial sip:webinar@$NET.1:5060" > $WORK/phone/log 2>&1 & PIDS+=($!)
node=""
for i in $(seq 1 100); do
  node=$(ip netns exec $P-sip redis-cli -h $NET.1 get mcu:room:webinar | sed -n 's|^sip:\(.*\):5060$|\1|p')
  [ -n "$node" ] && break; sleep 0.2
done
[ -n "$node" ] || { echo "room webinar did not open; see $WORK/phone/log" >&2; exit 1; }
nodens=$P-n$(( ${node##*.} - 10 ))
ip netns exec $nodens curl -s -X POST -H "Authorization: Bearer cluster-bench-admin-token-0123" \
  -H 'Content-Type: application/json' -d "{\"kind\": \"rtmp\", \"url\": \"rtmp://$NET.20:1935/live/webinar\"}" \
  http://$node:8080/api/v1/rooms/webinar/egress > $WORK/fanout/egress.json
for i in $(seq 1 150); do
  [ -f $WORK/fanout/hls/webinar.m3u8 ] && break; sleep 0.2
done
sleep 6
cpu() { # CPU seconds of every process in the fan-out namespace
  local t=0; for pid in $(ip netns pids $P-fo); do
    t=$(awk -v t=$t '{print t + $14 + $15}' /proc/$pid/stat 2>/dev/null || echo $t); done
  echo "$t $(getconf CLK_TCK)" | awk '{printf "%.2f", $1 / $2}'
}
echo
echo "fan-out node: nginx-rtmp, program $VIDEO, HLS 2 s fragments; viewers play for $VIEWER_SECONDS s"
for v in $VIEWERS; do
  before=$(cpu)
  ip netns exec $P-ph python3 benchmarks/cluster/hls_viewers.py http://$NET.20:8080/hls/webinar.m3u8 $v $VIEWER_SECONDS
  after=$(cpu)
  echo "  fan-out CPU: $(awk -v a=$after -v b=$before -v s=$VIEWER_SECONDS 'BEGIN {printf "%.1f%% of one core", (a - b) * 100 / s}')"
done

# WebRTC fan-out: the same room pushed to nginx's application "janus", relayed to Janus's
# Streaming plugin; JANUS_VIEWERS peer connections in one headless Chromium in the phones' namespace.
JANUS_VIEWERS=${JANUS_VIEWERS:-"10 30"}
ip netns exec $nodens curl -s -X POST -H "Authorization: Bearer cluster-bench-admin-token-0123" \
  -H 'Content-Type: application/json' -d "{\"kind\": \"rtmp\", \"url\": \"rtmp://$NET.20:1935/janus/webinar\"}" \
  http://$node:8080/api/v1/rooms/webinar/egress > $WORK/fanout/egress-janus.json
cp benchmarks/cluster/janus-viewers.html $WORK/fanout/hls/
sleep 6
janus_cpu() { awk -v k=$(getconf CLK_TCK) '{printf "%.2f", ($14 + $15) / k}' /proc/$JANUS/stat; }
echo
echo "Janus fan-out: WebRTC viewers (one Chromium, one peer connection each) watch for 20 s"
for v in $JANUS_VIEWERS; do
  before=$(janus_cpu); started=$(date +%s.%N)
  ip netns exec $P-ph timeout $((v * 2 + 60)) chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --user-data-dir=$WORK/chromium-$v --enable-logging=stderr --v=0 \
    "http://$NET.20:8080/hls/janus-viewers.html?n=$v&seconds=20" > $WORK/chromium-$v.log 2>&1 &
  chrome=$!
  until grep -q 'RESULT' $WORK/chromium-$v.log 2>/dev/null || ! kill -0 $chrome 2>/dev/null; do sleep 1; done
  after=$(janus_cpu); ended=$(date +%s.%N)
  kill $chrome 2>/dev/null || true; wait $chrome 2>/dev/null || true
  grep -o 'RESULT[^"]*' $WORK/chromium-$v.log || echo "no result; see $WORK/chromium-$v.log"
  echo "  Janus CPU: $(awk -v a=$after -v b=$before -v s=$started -v e=$ended 'BEGIN {printf "%.1f%% of one core", (a - b) * 100 / (e - s)}') (average over the run, start-up included)"
done
