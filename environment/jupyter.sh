#!/usr/bin/env bash
# Opens the notebooks with this checkout's TypeScript kernel: `npm run lab` (JupyterLab 4) and `npm run notebook`
# (Notebook 7), both from .jupyter-env/venv (bash environment/setup.sh makes it). Without that environment,
# `npm run notebook` falls back to Debian's classic Notebook 6.
#
#   bash environment/jupyter.sh lab|notebook [jupyter options…]
#
# Options after `--` go to Jupyter: `npm run lab -- --port=8899 --no-browser`, `npm run notebook --
# --notebook-dir=results` (a relative folder is taken from where you ran npm). As root, Jupyter refuses to start
# without --allow-root; this script adds it then.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="${1:-}"
case "$APP" in
  lab|notebook) shift ;;
  *) echo "jupyter.sh: first argument '$APP' is not allowed; use lab or notebook" >&2; exit 2 ;;
esac
VENV="$ROOT/.jupyter-env/venv"
KERNELS="$ROOT/.jupyter-env/share/jupyter"
if [ ! -f "$KERNELS/kernels/tslab/kernel.json" ]; then
  echo "jupyter.sh: the TypeScript kernel is not registered for this checkout; run: bash environment/setup.sh" >&2
  exit 1
fi
export JUPYTER_PATH="$KERNELS${JUPYTER_PATH:+:$JUPYTER_PATH}"

if [ -x "$VENV/bin/jupyter-$APP" ]; then
  cmd=("$VENV/bin/jupyter-$APP")
elif [ "$APP" = notebook ] && "${OTBOOK_PYTHON:-/usr/bin/python3}" -c "import notebook" 2>/dev/null; then
  echo "jupyter.sh: .jupyter-env/venv has no Notebook 7; using classic Notebook 6 from ${OTBOOK_PYTHON:-/usr/bin/python3}" >&2
  cmd=("${OTBOOK_PYTHON:-/usr/bin/python3}" -m notebook)
else
  echo "jupyter.sh: JupyterLab is not installed in .jupyter-env/venv; run: bash environment/setup.sh" >&2
  exit 1
fi

# The user's own folder replaces the default (notebooks/); npm runs scripts from the package root, so a relative
# folder is resolved against the directory npm was started in (INIT_CWD).
args=()
dir_given=0
for a in "$@"; do
  case "$a" in
    --notebook-dir=*|--ServerApp.root_dir=*|--NotebookApp.notebook_dir=*)
      dir_given=1
      key="${a%%=*}"; val="${a#*=}"
      case "$val" in /*) ;; *) val="${INIT_CWD:-$PWD}/$val" ;; esac
      args+=("$key=$val") ;;
    --notebook-dir|--ServerApp.root_dir|--NotebookApp.notebook_dir)
      echo "jupyter.sh: write $a=FOLDER (with '=')" >&2; exit 2 ;;
    *) args+=("$a") ;;
  esac
done
[ "$dir_given" = 1 ] || args=("--notebook-dir=$ROOT/notebooks" "${args[@]}")
[ "$(id -u)" = 0 ] && args+=(--allow-root)
exec "${cmd[@]}" "${args[@]}"
