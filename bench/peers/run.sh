#!/usr/bin/env bash
# The peer race as one command: installs what it needs (apt-get, idempotent), builds every
# implementation once (Release, -O3 -march=native; rebuilt only when a source changes), then
# runs one epoch of Fashion-MNIST in each, on one core and on two threads, over interleaved
# rounds, and prints one markdown table of medians (also written to build/peers/results.md).
#
# Usage: bash bench/peers/run.sh [--rounds N] [--only PEER,...] [--nets small,wide]
#                                [--threads 1,2] [--budget SECONDS] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/../.."

all_peers=(plain_loops eigen openblas onednn libxsmm libtorch dlib tiny_dnn typenet)
rounds=3
only=""
nets="small,wide"
thread_counts="1,2"
budget=120
install=1

usage() {
  cat <<EOF
usage: bash bench/peers/run.sh [options]
  --rounds N         interleaved rounds (every run once per round); medians are reported (default 3)
  --only A,B,...     build and run only these peers (of: ${all_peers[*]})
  --nets LIST        small (784-100-10) and/or wide (784-1024-1024-10) (default small,wide)
  --threads LIST     thread counts, each a column set (default 1,2; 1 runs on core 0 only)
  --budget SECONDS   time budget of one epoch (a quarter of it for the test set); a peer still
                     training then is measured over the batches it finished (default 120)
  --no-install       do not call apt-get
EOF
}

command_line="bash bench/peers/run.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --nets) nets=$2; shift 2 ;;
    --threads) thread_counts=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds needs a positive integer" >&2; exit 2; }
[[ "$budget" =~ ^[1-9][0-9]*(\.[0-9]+)?$ ]] || { echo "run.sh: --budget needs a number of seconds, at least 1" >&2; exit 2; }

peers=("${all_peers[@]}")
if [ -n "$only" ]; then
  IFS=, read -r -a peers <<<"$only"
  for p in "${peers[@]}"; do
    [[ " ${all_peers[*]} " == *" $p "* ]] || { echo "run.sh: unknown peer '$p' (of: ${all_peers[*]})" >&2; exit 2; }
  done
fi
IFS=, read -r -a net_list <<<"$nets"
IFS=, read -r -a thread_list <<<"$thread_counts"
cpus=$(nproc)
for t in "${thread_list[@]}"; do
  [[ "$t" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad thread count '$t'" >&2; exit 2; }
  [ "$t" -le "$cpus" ] || { echo "run.sh: $t threads asked, the machine has $cpus cores" >&2; exit 2; }
done

# --- packages ----------------------------------------------------------------------------
# typenet's own (compiler, CMake, Ninja, Boost, xsimd, zlib, the dataset), then each peer's
# library. A peer whose package cannot be installed is reported absent, not a failure.
peer_packages=(libeigen3-dev libopenblas-dev libdnnl-dev libxsmm-dev libtorch-dev libdlib-dev
               tiny-dnn libcereal-dev libstb-dev libgemmlowp-dev)
if [ "$install" = 1 ]; then
  bash scripts/setup.sh
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  missing=()
  for p in "${peer_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  apt_install() {
    # apt may be locked by another process for a while: retry.
    for attempt in 1 2 3 4 5; do
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 && return 0
      sleep $((attempt * 5))
    done
    return 1
  }
  if [ ${#missing[@]} -gt 0 ]; then
    echo "peers: installing ${missing[*]}"
    $sudo apt-get update -qq || true
    if ! apt_install "${missing[@]}"; then
      for p in "${missing[@]}"; do
        apt_install "$p" || echo "peers: could not install $p; the peers that need it will be reported absent"
      done
    fi
  fi
fi

# --- build -------------------------------------------------------------------------------
out=build/peers
build=$out/build
data=$out/data
mkdir -p "$out"
# Settings go to the first configure only: giving them again could make CMake reset its cache
# and rebuild everything. Configuring again finds peers whose packages were installed since.
first=()
if [ ! -f "$build/CMakeCache.txt" ]; then
  first=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++)
  command -v ninja >/dev/null && first+=(-G Ninja)
fi
cmake -S bench/peers -B "$build" "${first[@]}" >"$out/configure.log" 2>&1 || { cat "$out/configure.log" >&2; exit 1; }
# With --only, only the tools and the chosen peers are built (libtorch's alone takes minutes).
targets=()
candidates=()
if [ -n "$only" ]; then
  for p in "${peers[@]}"; do candidates+=("peer_$p" "peer_${p}_threaded"); done
  for name in peers_prepare peers_peak peers_report peers_openblas_core "${candidates[@]}"; do
    # A dry run fails for a target that does not exist (a peer whose library is absent).
    if cmake --build "$build" --target "$name" -- -n >/dev/null 2>&1; then targets+=("$name"); fi
  done
fi
echo "peers: building (only what changed)"
if ! cmake --build "$build" ${targets[@]:+--target "${targets[@]}"} -j "$cpus" -- -k 0 >"$out/build.log" 2>&1; then
  echo "peers: some targets failed to build (see $out/build.log); they are reported as failed"
fi
for tool in peers_prepare peers_peak peers_report; do
  [ -x "$build/$tool" ] || { echo "peers: $tool did not build, see $out/build.log" >&2; exit 1; }
done

status_of() { sed -n "s/^$1 //p" "$build/peers.txt"; }
# An executable left from an earlier build does not count if its build failed this time.
declare -A built=()
for exe in "$build"/peer_*; do
  [ -x "$exe" ] || continue
  exe=$(basename "$exe")
  if [ -f "$build/build.ninja" ] && ! cmake --build "$build" --target "$exe" -- -n 2>/dev/null | grep -q "no work to do"; then
    continue
  fi
  built[$exe]=1
done
executable_for() { # peer threads
  local name=$1 threads=$2
  if [ "$threads" -gt 1 ] && [ -x "$build/peer_${name}_threaded" ]; then name=${name}_threaded; fi
  echo "peer_$name"
}

# --- data ---------------------------------------------------------------------------------
if [ ! -f "$data/stamp" ] || [ "$build/peers_prepare" -nt "$data/stamp" ]; then
  "$build/peers_prepare" "$data"
  touch "$data/stamp"
fi

# --- OpenBLAS's kernels -------------------------------------------------------------------
# OpenBLAS (used by the OpenBLAS peer, libtorch and dlib) picks its kernels by CPU model; a
# model newer than the library falls back to generic SSE3 kernels ("Prescott"), several times
# slower. Its users then name the kernels with OPENBLAS_CORETYPE: the race does the same.
openblas_note=""
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -x "$build/peers_openblas_core" ] && grep -qw avx512f /proc/cpuinfo; then
  core=$("$build/peers_openblas_core" 2>/dev/null || true)
  case "$core" in
    SkylakeX|Cooperlake|SapphireRapids) ;;
    *)
      if grep -qw avx512_bf16 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Cooperlake; else export OPENBLAS_CORETYPE=SkylakeX; fi
      openblas_note="OpenBLAS does not recognise this CPU and would run its generic '$core' kernels: the race sets OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE (OpenBLAS, libtorch and dlib run on it)."
      echo "peers: $openblas_note"
      ;;
  esac
fi

# --- the race -----------------------------------------------------------------------------
raw=$out/raw.txt
: >"$raw"
load_start=$(uptime | sed 's/.*load average: //')
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "peers: ${#peers[@]} peers x ${#net_list[@]} networks x ${#thread_list[@]} thread counts x $rounds rounds; load average $load_start"

cpu_list() { [ "$1" -eq 1 ] && echo 0 || echo "0-$(($1 - 1))"; }

for p in "${peers[@]}"; do
  status=$(status_of "$p")
  if [ -z "$status" ]; then status="absent (not configured)"; fi
  if [ "$status" != configured ]; then
    for n in "${net_list[@]}"; do for t in "${thread_list[@]}"; do
      echo "result peer=$p net=$n threads=$t status=absent note=${status#absent }" >>"$raw"
    done; done
  fi
done

for ((round = 1; round <= rounds; ++round)); do
  for t in "${thread_list[@]}"; do
    taskset -c "$(cpu_list "$t")" "$build/peers_peak" "$t" | tee -a "$raw" | sed "s/^/[round $round\/$rounds] /"
  done
  for n in "${net_list[@]}"; do
    for t in "${thread_list[@]}"; do
      for p in "${peers[@]}"; do
        [ "$(status_of "$p")" = configured ] || continue
        exe=$(executable_for "$p" "$t")
        if [ -z "${built[$exe]:-}" ]; then
          echo "result peer=$p net=$n threads=$t status=failed note=did not build (see $out/build.log)" | tee -a "$raw"
          continue
        fi
        set +e
        line=$(OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t \
          timeout $((${budget%.*} * 2 + 300)) taskset -c "$(cpu_list "$t")" \
          "$build/$exe" --net "$n" --threads "$t" --data "$data" --budget "$budget" 2>"$out/last_stderr.txt")
        code=$?
        set -e
        line=$(grep '^result ' <<<"$line" | tail -1 || true)
        if [ -z "$line" ]; then
          line="result peer=$p net=$n threads=$t status=failed note=exit code $code: $(tail -1 "$out/last_stderr.txt")"
        fi
        echo "$line" >>"$raw"
        echo "[round $round/$rounds] $n, $t thread(s), $p: ${line#*status=}"
      done
    done
  done
done

# --- the table ----------------------------------------------------------------------------
load_end=$(uptime | sed 's/.*load average: //')
set +e
"$build/peers_report" "$raw" "$command_line" >"$out/results.md"
report_status=$?
set -e
{
  echo "Machine: ${cpu_model:-unknown CPU}, $cpus cores; load average (1, 5, 15 min) at the start: $load_start; at the end: $load_end."
  [ -z "$openblas_note" ] || echo "$openblas_note"
  echo
} >>"$out/results.md"
echo
cat "$out/results.md"
echo "(written to $out/results.md)"
exit $((report_status == 0 ? 0 : 1))
