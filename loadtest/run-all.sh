#!/usr/bin/env bash
# The whole results table of loadtest/README.md, one run.sh per row, on a quiet machine:
#
#   loadtest/run-all.sh                 # every row, 30 s warm-up and 60 s measured each (about 45 minutes)
#   loadtest/run-all.sh --quick         # every row, short (a few minutes): proves the commands, not the figures
#   loadtest/run-all.sh --only echo-max,bot-max
#   loadtest/run-all.sh --warmup 20 --duration 40 --prewarm 30   # shorter rows
#
# Writes the table as Markdown to loadtest/target/runs/table-<time>.md (and prints it); each row's run folder
# holds its summary, logs, GC log and, for Gatling rows, the HTML report. Rows that depend on another row's figure
# (the paced runs at a share of the maximum) take it from that row of the same invocation.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
warmup=30 duration=60 ramp=30 prewarm=30 users_big=1000 idle=19000 only="" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) warmup=3 duration=8 ramp=3 prewarm=3 users_big=100 idle=2000; shift ;;
    --warmup) warmup="$2"; shift 2 ;;
    --prewarm) prewarm="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --idle-connections) idle="$2"; shift 2 ;;
    --only) only=",$2,"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "run-all.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

stamp="$(date +%Y%m%d-%H%M%S)"
table="$here/target/runs/table-$stamp.md"
mkdir -p "$here/target/runs"
declare -A throughput

prop() { sed -n "s/^$2=//p" "$1/summary.properties" 2>/dev/null | tail -1; }

row() { # row NAME WHAT run.sh-options...
  local name="$1" what="$2"; shift 2
  if [ -n "$only" ] && [[ "$only" != *",$name,"* ]]; then return; fi
  echo "=== run-all: $name: loadtest/run.sh $*" >&2
  local before; before="$(ls -d "$here"/target/runs/*/ 2>/dev/null | wc -l)"
  "$here/run.sh" --label "$name" "$@" "${extra[@]}" >&2
  local folder
  folder="$(ls -dt "$here"/target/runs/*-"$name" 2>/dev/null | head -1)"
  [ "$(ls -d "$here"/target/runs/*/ 2>/dev/null | wc -l)" -gt "$before" ] || folder=""
  if [ -z "$folder" ] || [ ! -f "$folder/summary.properties" ]; then
    printf '| %s | %s | (no summary: see the log above) | | | | | | | | | |\n' "$name" "$what" >> "$table"
    return
  fi
  throughput[$name]="$(prop "$folder" throughput)"
  printf '| %s | %s | %s | %s | %s / %s / %s / %s | %s | %s %% | %s | %s | %s / %s | %s | `%s` |\n' \
    "$name" "$what" "$(prop "$folder" generator)" "$(prop "$folder" throughput)" \
    "$(prop "$folder" p50Ms)" "$(prop "$folder" p95Ms)" "$(prop "$folder" p99Ms)" "$(prop "$folder" maxMs)" \
    "$(prop "$folder" errors)" "$(prop "$folder" serverCpuPercent)" "$(prop "$folder" serverCpuPerRequestUs)" \
    "$(prop "$folder" loadCpuSeconds)" "$(prop "$folder" peakHeapMib)" "$(prop "$folder" rssPeakMib)" \
    "$(prop "$folder" result)" "$(prop "$folder" command)" >> "$table"
  local probe; probe="$(prop "$folder" probeConnections)"
  if [ -n "$probe" ]; then
    printf '| | ↳ %s connections open: live heap %s MiB, %s KiB per connection | | | | | | | | | | |\n' \
      "$probe" "$(prop "$folder" liveHeapMib)" "$(prop "$folder" kibPerConnection)" >> "$table"
  fi
}

share() { # share ROW FRACTION: that share of a row's throughput, or a default when the row did not run
  local t="${throughput[$1]:-}"
  if [ -z "$t" ] || [ "$t" = "-" ] || [ "$t" = 0 ]; then echo "$3"; else awk -v t="$t" -v f="$2" 'BEGIN { printf "%.0f", t * f }'; fi
}

{
  echo "Results of loadtest/run-all.sh, $(date '+%Y-%m-%d %H:%M %Z'), $(nproc --all) cores" \
       "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(java -version 2>&1 | head -1)"
  echo
  echo "| row | what | generator | requests/s | p50 / p95 / p99 / max ms | errors | server CPU | µs CPU/request | load CPU s | peak heap / RSS MiB | result | command |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$table"

# --prewarm: the server's JIT compiles the FAQ search 30–60 s after start (a compiler thread took a quarter of the
# server's CPU in the measured window of runs without it); echo and gateway get the same.
lean=(--driver lean --prewarm "$prewarm" --warmup "$warmup" --duration "$duration")
# The ceilings: closed loop, one message in flight per connection.
row echo-max "echo, 100 connections, closed loop" "${lean[@]}" --target echo --connections 100
row bot-max "gateway, Zipf + 20% never seen, 100 connections, closed loop" "${lean[@]}" --connections 100 --mix zipf
row unique-max "gateway, every question never seen" "${lean[@]}" --connections 100 --mix unique
row cached-max "gateway, one question (cache hit)" "${lean[@]}" --connections 100 --mix fixed
row echo-1000 "echo, $users_big connections, closed loop" "${lean[@]}" --target echo --connections "$users_big"
row bot-1000 "gateway (Zipf), $users_big connections, closed loop" "${lean[@]}" --connections "$users_big"
# Latency below the ceiling: paced at a share of the same server's $users_big-connection ceiling, timed from when
# each message was due (a late send counts against the server). Many connections, each at a few messages a
# second, as real buyers: a conversation answers one message at a time, so one fast connection would measure
# that, not the server.
for f in 50 70 90; do
  row "echo-at-$f" "echo paced at $f % of echo-1000" "${lean[@]}" --target echo --connections "$users_big" \
    --rate "$(share echo-1000 "0.$f" 5000)"
  row "bot-at-$f" "gateway (Zipf) paced at $f % of bot-1000" "${lean[@]}" --connections "$users_big" --mix zipf \
    --rate "$(share bot-1000 "0.$f" 1000)"
done
# Realistic buyers (Gatling), on a server warmed up first so that its JIT is not what is measured.
row gatling-faq "Gatling FaqChat, $users_big buyers, think 3 s" --sim FaqChat --users "$users_big" --ramp "$ramp" \
  --duration "$duration" --think 3000 --prewarm "$prewarm"
row gatling-echo "Gatling, same pattern against echo" --sim FaqChat --target echo --users "$users_big" \
  --ramp "$ramp" --duration "$duration" --think 3000 --prewarm "$prewarm"
row gatling-storm "Gatling ReconnectStorm, $users_big buyers" --sim ReconnectStorm --users "$users_big" --ramp "$ramp" \
  --prewarm "$prewarm"
row gatling-handoff "Gatling Handoff" --sim Handoff --users "$(( users_big / 5 ))" --ramp "$ramp" \
  --duration "$duration" --prewarm "$prewarm"
row idle-lean "gateway, $idle idle connections pinging every 30 s (lean)" --driver lean --mode idle \
  --connections "$idle" --warmup "$warmup" --duration "$duration" --ping-interval 30 --heap 2g
row idle-gatling "gateway, $(( idle / 4 )) idle connections (Gatling Connections)" --sim Connections \
  --users "$(( idle / 4 ))" --ramp "$(( ramp * 2 ))" --duration "$duration" --ping-interval 20 --heap 2g

echo >&2
cat "$table"
echo
echo "table written to $table"
