#!/usr/bin/env bash
# Sets this checkout up for the book and the tests. Installs only what is missing; safe to run again.
#
#   bash environment/setup.sh            Debian packages, npm packages, native kernels, build, JupyterLab, Jupyter kernel
#   bash environment/setup.sh --bench    also the benchmark references (python3-torch, python3-scipy)
#
# Environment: OTBOOK_SKIP_APT=1 skips the Debian step (it then only reports what is missing).
#              OTBOOK_SKIP_LAB=1 skips JupyterLab (the book and the tests need only Debian's Jupyter; the
#              JupyterLab browser test then skips).
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
# The book runner (nbclient, nbconvert) runs under Debian's /usr/bin/python3 (the python3 first on PATH may be
# another Python); python3-venv lets step 5 make JupyterLab's environment. chromium exports figures and runs the
# browser tests; libopenblas-dev lets the optional native kernels build.
DEB_PACKAGES=(jupyter-nbconvert jupyter-client python3-ipykernel jupyter-notebook python3-venv chromium libopenblas-dev)
[ "$WANT_BENCH" = 1 ] && DEB_PACKAGES+=(python3-torch python3-scipy)
PY="${OTBOOK_PYTHON:-/usr/bin/python3}"
CHROMIUM="${OTBOOK_CHROMIUM:-/usr/bin/chromium}"
if [ "${OTBOOK_SKIP_APT:-0}" != 1 ] && command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages present"
  else
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
      if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        say "need root to install: ${missing[*]}"; say "run: sudo apt-get install ${missing[*]}"; exit 1; fi
    fi
    say "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    say "Debian packages installed"
  fi
else
  # No apt (or OTBOOK_SKIP_APT=1): check what the packages would provide, by what it does rather than by name, so
  # that a second run after following the instructions below passes.
  lacking=()
  "$PY" -c "import nbclient, nbconvert, nbformat, jupyter_client" 2>/dev/null || lacking+=("Jupyter's nbclient and nbconvert for $PY")
  [ -x "$CHROMIUM" ] || lacking+=("Chromium at $CHROMIUM")
  if [ ${#lacking[@]} -eq 0 ]; then
    say "no apt-get: using Jupyter from $PY and Chromium at $CHROMIUM"
  else
    cat >&2 <<MSG
setup: this system has no apt-get (or OTBOOK_SKIP_APT=1), and these are missing:
$(printf '         - %s\n' "${lacking[@]}")
       Run, then run this script again (in the same shell, or with the exports in your shell's profile):
         python3 -m venv ~/.otbook-jupyter && ~/.otbook-jupyter/bin/pip install nbclient nbconvert jupyter_client
         export OTBOOK_PYTHON=~/.otbook-jupyter/bin/python   # the book runner's Python (default /usr/bin/python3)
         export OTBOOK_CHROMIUM=/path/to/chromium             # a Chromium or Chrome binary (default /usr/bin/chromium)
       Optional: OpenBLAS headers (libopenblas-dev, openblas-devel, brew install openblas) for faster kernels.
MSG
    [ "${OTBOOK_SKIP_APT:-0}" = 1 ] || exit 1
  fi
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
# Registered in .jupyter-env/share/jupyter, which the book runner, `npm run lab` and `npm run notebook` put on
# JUPYTER_PATH; nothing is installed for the user.
KDIR="$ROOT/.jupyter-env/share/jupyter/kernels/tslab"
TSLAB="$ROOT/node_modules/.bin/tslab"
if [ -f "$KDIR/kernel.json" ] && grep -q "\"$TSLAB\"" "$KDIR/kernel.json"; then
  say "tslab kernel registered (.jupyter-env)"
else
  "$TSLAB" install --python="$PY" --binary="$TSLAB" --prefix="$ROOT/.jupyter-env" >/dev/null
  say "tslab kernel registered in .jupyter-env (JUPYTER_PATH=$ROOT/.jupyter-env/share/jupyter)"
fi
"$PY" -c "import nbconvert, nbformat, jupyter_client" 2>/dev/null || { say "Jupyter is not importable by $PY"; exit 1; }

# 5. JupyterLab 4 and Notebook 7 ----------------------------------------------------------------------
# In a virtual environment of this checkout (.jupyter-env/venv, ignored by git), with the `plotly` package, whose
# JupyterLab extension renders the figures' Plotly JSON. pip uses its configured index (PyPI on most machines);
# --retries 1 keeps an unreachable index from costing minutes of back-off when the wheels are on disk.
VENV="$ROOT/.jupyter-env/venv"
LAB_PACKAGES=(jupyterlab notebook plotly)
lab_ready() { [ -x "$VENV/bin/jupyter-lab" ] && "$VENV/bin/python" -c "import jupyterlab, notebook, plotly" 2>/dev/null; }
if [ "${OTBOOK_SKIP_LAB:-0}" = 1 ]; then
  say "JupyterLab skipped (OTBOOK_SKIP_LAB=1)"
elif lab_ready; then
  say "JupyterLab present ($("$VENV/bin/jupyter-lab" --version), .jupyter-env/venv)"
else
  LAB_PY="${OTBOOK_LAB_PYTHON:-/usr/bin/python3}"
  command -v "$LAB_PY" >/dev/null 2>&1 || LAB_PY=python3
  say "installing JupyterLab, Notebook 7 and plotly into .jupyter-env/venv (pip, about a minute)"
  log="$ROOT/.jupyter-env/pip.log"
  if { [ -x "$VENV/bin/pip" ] || "$LAB_PY" -m venv "$VENV"; } >"$log" 2>&1 &&
    "$VENV/bin/pip" install --retries 1 --disable-pip-version-check "${LAB_PACKAGES[@]}" >>"$log" 2>&1 && lab_ready; then
    say "JupyterLab $("$VENV/bin/jupyter-lab" --version) installed (.jupyter-env/venv)"
  else
    tail -n 5 "$log" | sed 's/^/setup:   | /' >&2
    cat >&2 <<MSG
setup: JupyterLab could not be installed (the full log: .jupyter-env/pip.log). The book and the tests do not need it;
       the JupyterLab browser test will skip. To install it by hand:
         rm -rf .jupyter-env/venv
         ${LAB_PY} -m venv .jupyter-env/venv        # Debian: apt-get install python3-venv
         .jupyter-env/venv/bin/pip install ${LAB_PACKAGES[*]}
         bash environment/setup.sh                  # registers the kernel for it
       (set OTBOOK_LAB_PYTHON to use another Python 3.9+, or OTBOOK_SKIP_LAB=1 to skip this step)
MSG
  fi
fi
if lab_ready; then
  # Also in the environment's own prefix, so that .jupyter-env/venv/bin/jupyter lab finds it without JUPYTER_PATH.
  if [ -f "$VENV/share/jupyter/kernels/tslab/kernel.json" ] && grep -q "\"$TSLAB\"" "$VENV/share/jupyter/kernels/tslab/kernel.json"; then :; else
    "$TSLAB" install --python="$VENV/bin/python" --binary="$TSLAB" --sys-prefix >/dev/null
  fi
  say "npm run lab: JupyterLab with the TypeScript kernel (npm run notebook: Notebook 7)"
fi
say "ready"
