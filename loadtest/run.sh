#!/usr/bin/env bash
# One load-test run: builds what is missing, starts the server (the gateway or the echo baseline) pinned to one
# core, runs the load (a Gatling simulation or the lean driver) pinned to the other, stops the server, and prints a
# one-screen summary, also written with everything else of the run under loadtest/target/runs/<time>-<label>/.
# Everything listens on 127.0.0.1, every process has a deadline, and Ctrl-C stops them all.
#
#   loadtest/run.sh --sim FaqChat --users 200 --duration 60                 # Gatling against the gateway
#   loadtest/run.sh --driver lean --connections 100 --duration 30           # the lean driver: the ceiling
#   loadtest/run.sh --driver lean --target echo --connections 100           # the same against the echo baseline
#   loadtest/run.sh --driver lean --mode idle --connections 19000 --duration 60
#
# See loadtest/README.md for every option and the results table; run.sh --help lists the options.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

usage() {
  cat <<'EOF'
usage: loadtest/run.sh [options] [-Dname=value ...]
  --driver gatling|lean     the load generator (default gatling)
  --target gateway|echo     the server under test (default gateway)
  --sim NAME                Gatling simulation: FaqChat, Handoff, ReconnectStorm, Connections (default FaqChat)
  --users N                 Gatling users, or lean-driver connections (alias --connections; default 100)
  --ramp S                  Gatling: seconds over which users arrive (default 10)
  --duration S              seconds of load: each Gatling user's time, the lean driver's measured time (default 30)
  --think MS                Gatling: mean think time between a buyer's messages (default 3000)
  --warmup S                lean: seconds of load before measuring (default 10)
  --in-flight K             lean: messages unanswered per connection (default 1)
  --rate R                  lean: total messages/s (or pings/s), 0 = closed loop (default 0)
  --mix zipf|unique|fixed   lean: the questions (default zipf); Gatling: -DneverSeen=0.2 -Dzipf=1.0
  --never-seen P            lean and Gatling: share of never-seen questions in the Zipf mix (default 0.2)
  --mode chat|idle          lean: ask questions, or hold connections and ping (default chat)
  --ping-interval S         lean idle mode, and Gatling Connections: seconds between pings (default 30 / 20)
  --heap SIZE               the server's heap, -Xms = -Xmx (default 1g)
  --load-heap SIZE          the load generator's heap (default 2g)
  --server-cpu LIST         taskset cores of the server (default 0; "none" = no pinning)
  --load-cpu LIST           taskset cores of the load generator (default 1; "none" = no pinning)
  --config FILE             the gateway's config (default loadtest/gateway-loadtest.yaml)
  --gateway-jar FILE        another build of the gateway, to compare (default gateway/target/xiaoer-gateway.jar)
  --gc G1|Parallel|Serial   the server's collector (default G1)
  --jfr                     record a JFR profile of the server (server.jfr in the run folder)
  --prewarm S               before the load, S seconds of the lean driver (50 connections) to warm the server's
                            JIT and caches, not measured (default 0)
  --heap-probe S            force a GC and read the server's live heap S seconds into the load (default: at the
                            middle of the hold for Connections and idle runs, else none)
  --label TEXT              name of the run folder (default from the options)
  --build                   rebuild the gateway and the load tests first, even if built
  -Dname=value              passed to the Gatling simulation (e.g. -Dagents=10 -DstormAfter=20)
EOF
}

driver=gatling target=gateway sim=FaqChat users=100 ramp=10 duration=30 think=3000 warmup=10 inflight=1 rate=0
mix=zipf neverseen=0.2 mode=chat ping="" heap=1g loadheap=2g servercpu=0 loadcpu=1
prewarm=0 config="$here/gateway-loadtest.yaml" gateway_jar="$root/gateway/target/xiaoer-gateway.jar" gc=G1 jfr=false probe="" label="" build=false
gatling_props=()
command_line="loadtest/run.sh $*"

while [ $# -gt 0 ]; do
  case "$1" in
    --driver) driver="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --sim) sim="${2%Simulation}"; shift 2 ;;
    --users|--connections) users="$2"; shift 2 ;;
    --ramp) ramp="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --think) think="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --in-flight) inflight="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --mix) mix="$2"; shift 2 ;;
    --never-seen) neverseen="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --ping-interval) ping="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --load-heap) loadheap="$2"; shift 2 ;;
    --server-cpu) servercpu="$2"; shift 2 ;;
    --load-cpu) loadcpu="$2"; shift 2 ;;
    --config) config="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --gateway-jar) gateway_jar="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --gc) gc="$2"; shift 2 ;;
    --jfr) jfr=true; shift ;;
    --heap-probe) probe="$2"; shift 2 ;;
    --prewarm) prewarm="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --build) build=true; shift ;;
    -D*=*) gatling_props+=("$1"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "run.sh: $*" >&2; exit 2; }
whole() { [[ "$2" =~ ^[0-9]+$ ]] || fail "$1 must be a whole number, was '$2'"; }
whole --users "$users"; whole --ramp "$ramp"; whole --duration "$duration"; whole --think "$think"
whole --warmup "$warmup"; whole --in-flight "$inflight"; whole --prewarm "$prewarm"
case "$driver" in gatling|lean) ;; *) fail "--driver must be gatling or lean, was '$driver'" ;; esac
case "$target" in gateway|echo) ;; *) fail "--target must be gateway or echo, was '$target'" ;; esac
case "$sim" in FaqChat|Handoff|ReconnectStorm|Connections) ;;
  *) fail "--sim must be FaqChat, Handoff, ReconnectStorm or Connections, was '$sim'" ;; esac
case "$gc" in G1|Parallel|Serial) ;; *) fail "--gc must be G1, Parallel or Serial, was '$gc'" ;; esac
[ -f "$config" ] || fail "no gateway config at $config"
[ "$target" = echo ] || [ -f "$gateway_jar" ] || [ "$gateway_jar" = "$root/gateway/target/xiaoer-gateway.jar" ] \
  || fail "no gateway jar at $gateway_jar"
[[ "$heap" =~ ^[0-9]+[mMgG]$ ]] || fail "--heap must look like 512m or 2g, was '$heap'"
[[ "$loadheap" =~ ^[0-9]+[mMgG]$ ]] || fail "--load-heap must look like 512m or 2g, was '$loadheap'"

java_bin="${JAVA:-$(command -v java || true)}"
[ -n "$java_bin" ] || fail "no java on the PATH (set JAVA=/path/to/bin/java)"
java_home="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
jcmd_bin="$java_home/bin/jcmd"

# ---- build what is missing ----
classpath_file="$here/target/loadtest.classpath"
questions="$here/target/classes/dev/xiaoer/loadtest/questions/shop-questions.jsonl"
if $build || [ ! -f "$root/gateway/target/xiaoer-gateway.jar" ] || [ ! -f "$classpath_file" ] || [ ! -f "$questions" ] \
    || [ ! -d "$here/target/test-classes/dev/xiaoer/loadtest/simulations" ]; then
  echo "run.sh: building the gateway and the load tests (mvn -B -q -DskipTests -pl loadtest -am package)"
  (cd "$root" && mvn -B -q -DskipTests -pl loadtest -am package) || fail "the build failed"
fi
cp="$here/target/test-classes:$here/target/classes:$(cat "$classpath_file")"

# ---- the run folder ----
if [ -z "$label" ]; then
  if [ "$driver" = lean ]; then
    label="lean-$target-$mode-${users}c"
    [ "$mode" = chat ] && label="$label-${inflight}k-$mix"
    [ "$rate" != 0 ] && label="$label-r$rate"
  else
    label="gatling-$target-$sim-${users}u"
  fi
fi
run="$here/target/runs/$(date +%Y%m%d-%H%M%S)-$label"
mkdir -p "$run"

# ---- limits: many sockets need many file descriptors ----
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fds="$(ulimit -n)"
if [ "$fds" != unlimited ] && [ "$users" -gt $((fds - 200)) ]; then
  echo "run.sh: warning: $users connections but only $fds file descriptors per process (ulimit -Hn);" \
       "expect connect failures above ~$((fds - 200))" >&2
fi

pinned() { # the command prefix that pins to CORES: taskset, unless "none" (or taskset is missing)
  if [ "$1" != none ] && command -v taskset >/dev/null 2>&1; then echo "taskset -c $1"; fi
}
read -r -a server_pin <<< "$(pinned "$servercpu")"
read -r -a load_pin <<< "$(pinned "$loadcpu")"
ticks() { # CPU seconds (user + system) of a live process
  awk '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
thread_cpu() { # CPU seconds per thread group of a live process ("xiaoer-io-3-1" counts as "xiaoer-io")
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null)"
  done | awk -F'\t' '{ n = $1; sub(/[-#]?[0-9]+(-[0-9]+)*$/, "", n); if (n == "") n = "?"; cpu[n] += $2 }
                     END { for (n in cpu) printf "%s\t%.2f\n", n, cpu[n] / 100 }' | sort
}
rss_peak_mib() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

server_pid="" load_pid="" probe_pid="" threads_pid=""
cleanup() {
  trap - EXIT INT TERM
  for p in $probe_pid $threads_pid $load_pid; do kill -TERM "$p" 2>/dev/null || true; done
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted; stopping everything" >&2; exit 130' INT TERM

# Generous deadlines, so that nothing outlives a run even if run.sh itself is killed.
if [ "$driver" = lean ]; then load_seconds=$(( warmup + duration + 120 + users / 100 ))
else load_seconds=$(( ramp + duration + 180 + users / 100 )); fi
server_deadline=$(( load_seconds + 120 ))

# ---- the server ----
gc_flag="-XX:+Use${gc}GC"
server_flags=(-Xms"$heap" -Xmx"$heap" "$gc_flag" -XX:+ExitOnOutOfMemoryError
  "-Xlog:gc:file=$run/gc.log:uptime,level")
$jfr && server_flags+=("-XX:StartFlightRecording=filename=$run/server.jfr,settings=profile,dumponexit=true")
if [ "$target" = gateway ]; then
  server_cmd=("$java_bin" "${server_flags[@]}" -jar "$gateway_jar" --config "$config" --port 0 --data "$run/data")
else
  server_cmd=("$java_bin" "${server_flags[@]}" -cp "$cp" dev.xiaoer.loadtest.echo.EchoServer --port 0)
fi
echo "run.sh: starting the $target (heap $heap, $gc, cpu $servercpu); run folder $run"
# taskset execs timeout, which runs java as its only child: $! is timeout's pid.
"${server_pin[@]}" timeout -k 10 "$server_deadline" "${server_cmd[@]}" >"$run/server.out" 2>"$run/server.log" &
server_wrapper=$!
port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$run/server.out" | head -1)"
  [ -n "$port" ] && break
  kill -0 "$server_wrapper" 2>/dev/null || { cat "$run/server.log" >&2; fail "the $target did not start"; }
  sleep 0.1
done
[ -n "$port" ] || fail "the $target did not say it was listening within 60 s"
server_pid="$(pgrep -P "$server_wrapper" -x java | head -1 || true)"
[ -n "$server_pid" ] || fail "cannot find the $target's process under pid $server_wrapper"
# The live heap of the idle server, for the per-connection figures: a forced full GC, read from the GC log.
"$jcmd_bin" "$server_pid" GC.run >/dev/null 2>&1 || true
if [ "$prewarm" -gt 0 ]; then
  echo "run.sh: warming the $target up for $prewarm s (lean driver, not measured; prewarm.log)"
  "${load_pin[@]}" timeout -k 10 $(( prewarm + 120 )) "$java_bin" -cp "$cp" dev.xiaoer.loadtest.driver.LeanDriver \
    --url "ws://127.0.0.1:$port/ws/chat" --target "$target" --connections 50 --warmup 0 --duration "$prewarm" \
    > "$run/prewarm.log" 2>&1 || echo "run.sh: warning: the warm-up saw problems (see prewarm.log)" >&2
fi

# ---- the load ----
case "$sim" in
  FaqChat) primary=reply ;; Connections) primary=pong ;; ReconnectStorm) primary=resumed ;; Handoff) primary="agent reply" ;;
esac
[ "$driver" = lean ] && [ "$mode" = idle ] && primary=pong
# The heap probe counts from when the load is on: after the lean driver's ramp, or Gatling's start.
if [ -z "$probe" ]; then
  if [ "$driver" = lean ] && [ "$mode" = idle ]; then probe=$(( warmup + duration / 2 ))
  elif [ "$driver" = gatling ] && [ "$sim" = Connections ]; then probe=$(( ramp + duration / 2 )); fi
fi

load_flags=(-Xms"$loadheap" -Xmx"$loadheap" -XX:+UseG1GC)
if [ "$driver" = gatling ]; then
  [ -n "$ping" ] && gatling_props+=("-DpingEvery=$ping")
  load_cmd=("$java_bin" "${load_flags[@]}" -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED
    -Durl="ws://127.0.0.1:$port" -Dtarget="$target" -Dusers="$users" -Dramp="$ramp" -Dduration="$duration"
    -Dthink="$think" -DneverSeen="$neverseen" "${gatling_props[@]}" -cp "$cp" io.gatling.app.Gatling
    -s "dev.xiaoer.loadtest.simulations.${sim}Simulation" -rf "$run/gatling" -rd "$label")
else
  load_cmd=("$java_bin" "${load_flags[@]}" -cp "$cp" dev.xiaoer.loadtest.driver.LeanDriver
    --url "ws://127.0.0.1:$port/ws/chat" --target "$target" --mode "$mode" --connections "$users"
    --in-flight "$inflight" --rate "$rate" --warmup "$warmup" --duration "$duration" --mix "$mix"
    --never-seen "$neverseen" --ping-interval "${ping:-30}" --summary "$run/driver.properties"
    --server-pid "$server_pid")
fi
echo "run.sh: $driver load on cpu $loadcpu; log in $run/load.log"
server_cpu_before="$(ticks "$server_pid")"
started_at="$(date +%s.%N)"
"${load_pin[@]}" timeout -k 10 "$load_seconds" "${load_cmd[@]}" > >(tee "$run/load.log") 2>&1 &
load_pid=$!

if [ -n "$probe" ]; then
  ( for _ in $(seq 1 $(( load_seconds * 10 ))); do
      grep -q -E '^ramp: .* ready in|^Simulation .* started' "$run/load.log" 2>/dev/null && break
      sleep 0.1
    done
    sleep "$probe"
    health="$(curl -s --max-time 5 "http://127.0.0.1:$port/health" || true)"
    "$jcmd_bin" "$server_pid" GC.run >/dev/null 2>&1 || true
    echo "probeAtSeconds=$probe"
    echo "probeConnections=$(echo "$health" | sed -n 's/.*"connections":\([0-9]*\).*/\1/p')"
    echo "probeConversations=$(echo "$health" | sed -n 's/.*"conversations":\([0-9]*\).*/\1/p')"
  ) > "$run/probe.properties" &
  probe_pid=$!
fi

# Per-thread CPU of the server from when the load is warm (after the lean driver's warm-up, or Gatling's ramp)
# to its end: which of the server's threads the load kept busy.
( for _ in $(seq 1 $(( load_seconds * 10 ))); do
    grep -q -E '^ramp: .* ready in|^Simulation .* started' "$run/load.log" 2>/dev/null && break
    sleep 0.1
  done
  if [ "$driver" = lean ]; then sleep "$warmup"; else sleep "$ramp"; fi
  thread_cpu "$server_pid" > "$run/threads-warm.tsv"
) &
threads_pid=$!

# Sample the load generator's CPU while it runs (its /proc entry goes with it).
load_java=""
load_cpu_seconds=0
while kill -0 "$load_pid" 2>/dev/null; do
  [ -z "$load_java" ] && load_java="$(pgrep -P "$load_pid" -x java | head -1 || true)"
  if [ -n "$load_java" ]; then
    c="$(ticks "$load_java")"; [ "$c" != 0 ] && load_cpu_seconds="$c"
  fi
  sleep 0.5
done
load_exit=0
wait "$load_pid" || load_exit=$?
load_pid=""
ended_at="$(date +%s.%N)"
server_cpu_after="$(ticks "$server_pid")"
kill "$threads_pid" 2>/dev/null || true
thread_cpu "$server_pid" > "$run/threads-end.tsv"
rss="$(rss_peak_mib "$server_pid")"
if [ -n "$probe_pid" ]; then wait "$probe_pid" 2>/dev/null || true; probe_pid=""; fi

# ---- stop the server ----
kill -TERM "$server_pid" 2>/dev/null || true
for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$server_pid" 2>/dev/null || true
wait "$server_wrapper" 2>/dev/null || true
server_pid=""

# ---- the summary ----
{
  echo "label=$label"
  echo "started=$(date -d "@${started_at%.*}" '+%Y-%m-%d %H:%M:%S %Z')"
  echo "command=$command_line"
  echo "generator=$driver"
  echo "target=$target"
  echo "sim=${sim}Simulation"
  echo "primaryRequest=$primary"
  echo "users=$users"
  echo "ramp=$ramp"
  echo "duration=$duration"
  echo "think=$think"
  echo "warmup=$warmup"
  echo "prewarm=$prewarm"
  echo "extra=${gatling_props[*]:-}"
  echo "heap=$heap"
  echo "gc=$gc"
  echo "config=${config#"$root"/}"
  echo "serverCpu=$servercpu"
  echo "loadCpu=$loadcpu"
  echo "cores=$(nproc --all)"
  echo "cpuModel=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memGiB=$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
  echo "java=$("$java_bin" -version 2>&1 | sed -n 2p)"
  echo "loadExit=$load_exit"
  echo "loadWallSeconds=$(awk -v a="$started_at" -v b="$ended_at" 'BEGIN { printf "%.1f", b - a }')"
  echo "loadCpuSeconds=$load_cpu_seconds"
  echo "serverCpuSeconds=$(awk -v a="$server_cpu_before" -v b="$server_cpu_after" 'BEGIN { printf "%.2f", b - a }')"
  echo "serverRssPeakMib=$rss"
  [ -f "$run/probe.properties" ] && cat "$run/probe.properties"
} > "$run/run.properties"
echo
"$java_bin" -cp "$cp" dev.xiaoer.loadtest.report.RunSummary "$run"
exit "$load_exit"
