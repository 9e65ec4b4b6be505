#!/usr/bin/env bash
# Installs Open MPI (Debian openmpi-bin + libopenmpi-dev) for @shampoo-ts/distributed's MPI
# communicator and its 2-rank mpirun tests. Idempotent: does nothing when mpicc and mpirun are
# already there. Quiet: prints one line, or apt's own output only when it fails.
set -euo pipefail

if command -v mpicc >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 \
   && dpkg -s libopenmpi-dev >/dev/null 2>&1; then
  echo "install-mpi: Open MPI already installed ($(mpirun --version 2>/dev/null | head -1))"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
log="$(mktemp)"
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -qq && \
       $sudo apt-get install -y -qq --no-install-recommends openmpi-bin libopenmpi-dev; } >"$log" 2>&1; then
  echo "install-mpi: apt-get failed:" >&2
  tail -40 "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
echo "install-mpi: installed $(mpirun --version 2>/dev/null | head -1)"
