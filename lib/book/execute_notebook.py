"""Executes one notebook on a Jupyter kernel, writes the executed notebook (signed) and its HTML.

Called by `otbook book` (lib/book/runner.ts) with Debian's /usr/bin/python3. Unlike `jupyter nbconvert
--execute`, it keeps the partially executed notebook and its HTML when a cell fails, so the reader sees
where and why, and it reports the failing cell as JSON on stdout for the runner to print.

For a book a reader can share, the outputs are made to read the same on any machine: code cells are numbered
in the order they ran (tslab sends no execute_input, so nbclient would leave "In [ ]"), absolute paths of this
checkout (OTBOOK_SHOWN_PATHS: a JSON list of [absolute path, shown as]) become relative ones, and the page is
titled by the notebook's first heading. In the HTML only, a `*` written as a mark after a symbol (V*, T*(x)) is
escaped, so that markdown does not read two of them as emphasis.

usage: execute_notebook.py IN.ipynb OUT.ipynb OUT.html KERNEL TIMEOUT_S [NOTEBOOK_DIR]
"""
import copy
import json
import os
import re
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat.sign import NotebookNotary


def _interrupt_once(signum, frame):
    """The first SIGINT stops the notebook (KeyboardInterrupt: nbclient then shuts the kernel down, with what it
    started); later ones are ignored, so that a Ctrl-C that reaches us twice (from the terminal and passed on by
    `otbook book`) cannot cut that shutdown short and leave the kernel running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGINT, _interrupt_once)
    signal.signal(signal.SIGTERM, _interrupt_once)
    src, out_nb, out_html, kernel, timeout = sys.argv[1:6]
    nb = nbformat.read(src, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=None if int(timeout) <= 0 else int(timeout),
        resources={"metadata": {"path": sys.argv[6] if len(sys.argv) > 6 else "."}},
        record_timing=True,
    )
    report = {"status": "ok", "cells": len(code_cells), "seconds": 0.0}
    t0 = time.time()
    current = None
    try:
        with client.setup_kernel():
            for n, index in enumerate(code_cells):
                current = index
                first = nb.cells[index].source.strip().splitlines()[:1]
                sys.stderr.write(f"  [{n + 1}/{len(code_cells)}] {first[0][:90] if first else ''}\n")
                sys.stderr.flush()
                client.execute_cell(nb.cells[index], index, execution_count=n + 1)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        report.update(status="failed", kind=type(e).__name__, error=_error_text(nb.cells[current] if current is not None else None, e))
        if current is not None:
            report.update(cell_index=code_cells.index(current) + 1, cell_source=nb.cells[current].source)
    except KeyboardInterrupt:
        report.update(status="failed", kind="interrupted", error="interrupted: the kernel was stopped")
        if current is not None:
            report.update(cell_index=code_cells.index(current) + 1, cell_source=nb.cells[current].source)
    report["seconds"] = round(time.time() - t0, 1)
    nb.metadata.setdefault("otbook", {})["execution"] = report
    show_paths_relative(nb, json.loads(os.environ.get("OTBOOK_SHOWN_PATHS", "[]")))
    NotebookNotary().sign(nb)  # trusted on this machine: classic Notebook then shows the plots' HTML/JS
    nbformat.write(nb, out_nb)
    page = copy.deepcopy(nb)
    for cell in page.cells:
        if cell.cell_type == "markdown":
            cell.source = escape_mark_stars(cell.source)
    body, _ = HTMLExporter().from_notebook_node(page, resources={"metadata": {"name": page_title(nb, src)}})
    with open(out_html, "w", encoding="utf-8") as f:
        f.write(body)
    print(json.dumps(report))
    return 0 if report["status"] == "ok" else 1


def page_title(nb, path: str) -> str:
    """The notebook's first markdown heading without its markup, else its file name."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"^#+\s+(.*\S)", line)
            if m:
                # Drop emphasis and code marks, then keep what was escaped (D\_cost is D_cost).
                return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*`]", "", m.group(1)))
    return os.path.splitext(os.path.basename(path))[0]


def show_paths_relative(nb, shown) -> None:
    """Replaces absolute paths of this machine in every output by how the reader should see them."""
    pairs = sorted(((p.rstrip("/"), s) for p, s in shown if p), key=lambda ps: -len(ps[0]))
    if not pairs:
        return

    def fix(text: str) -> str:
        for path, as_shown in pairs:
            text = text.replace(path + "/", as_shown + "/" if as_shown not in ("", ".") else "").replace(path, as_shown or ".")
        return text

    def fix_value(v):
        if isinstance(v, str):
            return fix(v)
        if isinstance(v, list):
            return [fix_value(x) for x in v]
        return v

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = fix_value(out["text"])
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in out.get("data", {}):
                    out["data"][mime] = fix_value(out["data"][mime])
            if "evalue" in out:
                out["evalue"] = fix(out["evalue"])
            if "traceback" in out:
                out["traceback"] = fix_value(out["traceback"])


# A `*` right after a one-letter symbol (V*, T*, π*), not itself after a letter or a star: the paper's mark for an
# optimum. Two of them in a paragraph would otherwise open and close emphasis. Code spans and math stay as written.
_MARK_STAR = re.compile(r"(?<![\w*\\])([^\W\d_][₀-₉]?)\*(?!\*)")
_PROTECTED = re.compile(r"(`+)[\s\S]*?\1|\$\$[\s\S]*?\$\$|\$[^$\n]+\$")


def escape_mark_stars(source: str) -> str:
    out, last = [], 0
    for m in _PROTECTED.finditer(source):
        out.append(_MARK_STAR.sub(r"\1\\*", source[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_MARK_STAR.sub(r"\1\\*", source[last:]))
    return "".join(out)


def _error_text(cell, exc) -> str:
    """The error's message: an 'error' output when the kernel sends one; tslab instead writes the error to the
    cell's stderr and replies with an opaque '<Error>', so its first stderr line is the message."""
    if cell is not None:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error" and (o.get("evalue") or o.get("ename")):
                return f"{o.get('ename', '')}: {o.get('evalue', '')}".strip(": ")
        for o in reversed(cell.get("outputs", [])):
            if o.get("output_type") == "stream" and o.get("name") == "stderr" and o.get("text", "").strip():
                return o["text"].strip().splitlines()[0]
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
