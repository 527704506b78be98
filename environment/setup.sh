#!/usr/bin/env bash
# Sets this checkout up for the book and the tests. Installs only what is missing; safe to run again.
#
#   bash environment/setup.sh            Debian packages, npm packages, native kernels, build, Jupyter kernel
#   bash environment/setup.sh --bench    also the benchmark references (python3-torch, python3-scipy)
#
# Environment: OTBOOK_SKIP_APT=1 skips the Debian step (it then only reports what is missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf 'setup: %s\n' "$*"; }

WANT_BENCH=0
for a in "$@"; do
  case "$a" in
    --bench) WANT_BENCH=1 ;;
    *) echo "setup: unknown option $a (allowed: --bench)" >&2; exit 2 ;;
  esac
done

# 1. Debian packages -----------------------------------------------------------------------------
# Jupyter runs under Debian's /usr/bin/python3 (the python3 first on PATH may be another Python).
# chromium exports figures; libopenblas-dev lets the optional native kernels build.
DEB_PACKAGES=(jupyter-nbconvert jupyter-client python3-ipykernel jupyter-notebook chromium libopenblas-dev)
[ "$WANT_BENCH" = 1 ] && DEB_PACKAGES+=(python3-torch python3-scipy)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "Debian packages present"
elif [ "${OTBOOK_SKIP_APT:-0}" != 1 ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      say "need root to install: ${missing[*]}"; say "run: sudo apt-get install ${missing[*]}"; exit 1; fi
  fi
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  say "Debian packages installed"
else
  cat >&2 <<MSG
setup: these system packages are missing and this system has no apt-get (or OTBOOK_SKIP_APT=1):
         ${missing[*]}
       Install their equivalents, then run this script again:
         - Jupyter with nbconvert, jupyter_client, ipykernel and the classic notebook (pip install notebook nbconvert),
           reachable as /usr/bin/python3 or set OTBOOK_PYTHON to that interpreter;
         - Chromium (set OTBOOK_CHROMIUM to its path if it is not /usr/bin/chromium);
         - optional: OpenBLAS headers (libopenblas-dev) for the faster native kernels.
MSG
  [ "${OTBOOK_SKIP_APT:-0}" = 1 ] || exit 1
fi

# 2. npm packages ----------------------------------------------------------------------------------
# tfjs-node and tfjs-node-gpu are optionalDependencies: their install downloads libtensorflow, which fails
# on machines without internet; npm then leaves them out and otbook uses wasm.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
else
  say "npm packages present"
fi
# Optional native kernels (OpenBLAS): built when a C compiler and OpenBLAS are present, skipped with one line otherwise.
say "native kernels"
node native/build.js
# Notebooks import the library by its package name, as a user's project would.
ln -sfn .. node_modules/otbook

# 3. Build ---------------------------------------------------------------------------------------
say "building the library (tsc)"
npm run --silent build

# 4. Jupyter kernel for this checkout -----------------------------------------------------------------
PY="${OTBOOK_PYTHON:-/usr/bin/python3}"
KDIR="$ROOT/.jupyter-env/share/jupyter/kernels/tslab"
TSLAB="$ROOT/node_modules/.bin/tslab"
if [ -f "$KDIR/kernel.json" ] && grep -q "\"$TSLAB\"" "$KDIR/kernel.json"; then
  say "tslab kernel registered (.jupyter-env)"
else
  "$TSLAB" install --python="$PY" --binary="$TSLAB" --prefix="$ROOT/.jupyter-env" >/dev/null
  say "tslab kernel registered in .jupyter-env (JUPYTER_PATH=$ROOT/.jupyter-env/share/jupyter)"
fi
"$PY" -c "import nbconvert, nbformat, jupyter_client" 2>/dev/null || { say "Jupyter is not importable by $PY"; exit 1; }
say "ready"
