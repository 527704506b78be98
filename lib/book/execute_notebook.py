"""Executes one notebook on a Jupyter kernel, writes the executed notebook (signed) and its HTML.

Called by `otbook book` (lib/book/runner.ts) with Debian's /usr/bin/python3. Unlike `jupyter nbconvert
--execute`, it keeps the partially executed notebook and its HTML when a cell fails, so the reader sees
where and why, and it reports the failing cell as JSON on stdout for the runner to print.

usage: execute_notebook.py IN.ipynb OUT.ipynb OUT.html KERNEL TIMEOUT_S
"""
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat.sign import NotebookNotary


def main() -> int:
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
                client.execute_cell(nb.cells[index], index)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        report.update(status="failed", kind=type(e).__name__, error=_error_text(nb.cells[current] if current is not None else None, e))
        if current is not None:
            report.update(cell_index=code_cells.index(current) + 1, cell_source=nb.cells[current].source)
    report["seconds"] = round(time.time() - t0, 1)
    nb.metadata.setdefault("otbook", {})["execution"] = report
    NotebookNotary().sign(nb)  # trusted on this machine: classic Notebook then shows the plots' HTML/JS
    nbformat.write(nb, out_nb)
    body, _ = HTMLExporter().from_notebook_node(nb)
    with open(out_html, "w", encoding="utf-8") as f:
        f.write(body)
    print(json.dumps(report))
    return 0 if report["status"] == "ok" else 1


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
