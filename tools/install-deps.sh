#!/usr/bin/env bash
# Installs the Debian 12 packages mergepipe builds, tests and benchmarks with, or, given
# package names, just those (bench/peers/run.sh installs the peers so).
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=("$@")
((${#packages[@]})) || packages=(
  build-essential cmake ninja-build pkg-config git python3
  libtbb-dev libsimdjson-dev libspdlog-dev libfmt-dev libcli11-dev libabsl-dev
  libisal-dev libzstd-dev zlib1g-dev libdeflate-dev zstd pigz tabix isal
  libgtest-dev libgmock-dev libbenchmark-dev
  librandom123-dev gnuplot-nox
  redis-server libhiredis-dev
  llvm clang libclang-rt-14-dev
  qemu-user
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
