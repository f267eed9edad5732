#!/usr/bin/env python3
"""Runs d2l-java's chapters (deepjavalibrary/d2l-java, written for IJava and DJL's MXNet engine) on this kernel with
nbclient, as a reader would open them, and prints one line per chapter: passed, or the first failing cell and why.

d2l-java is not part of this repository: pass a checkout with --repo (e.g. `git clone
https://github.com/deepjavalibrary/d2l-java build/d2l-java`); CI has no route to GitHub, so this is run by hand.
Chapters that need a data set download are run too, with DJL_OFFLINE=true, and reported as "needs a download"
when that is where they stop. MAX_EPOCH and DATASET_LIMIT (read by the book's own helpers) keep training short.

    /usr/bin/python3 tests/d2l/run_chapters.py --repo build/d2l-java [--only chapter_preliminaries] [--timeout 300]
Writes build/d2l-report.json and the executed notebooks under build/d2l-executed/.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[2]
# where a chapter stops because a data set (or a model) would be downloaded: DJL_OFFLINE=true makes that fail fast
DOWNLOAD = re.compile(r"(?i)offline mode|DJL_OFFLINE|download|UnknownHostException|No route to host|"
                      r"FileNotFoundException|NoSuchFileException")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def first_error(nb):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                text = ANSI.sub("", "\n".join(out.get("traceback", [])) or f"{out.ename}: {out.evalue}")
                return index, cell.source, text
    return None


def run(path, timeout, out_dir, repo):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="java", timeout=timeout, startup_timeout=120,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.time()
    status, detail = "passed", ""
    try:
        client.execute()
    except CellTimeoutError:
        status, detail = "timeout", f"a cell ran over {timeout} s"
    except DeadKernelError as e:
        status, detail = "kernel died", str(e)[:300]
    except CellExecutionError:
        found = first_error(nb)
        if found:
            index, source, text = found
            kind = "needs a download" if DOWNLOAD.search(text) and "native library" not in text else "failed"
            first_line = next((l for l in source.splitlines() if l.strip()), "")
            message = next((l for l in text.splitlines() if l.strip() and not l.startswith(" ")), text[:200])
            status, detail = kind, f"cell {index} `{first_line[:70]}`: {message[:300]}"
        else:
            status, detail = "failed", "an error without output"
    target = out_dir / path.relative_to(repo)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return status, detail, time.time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", required=True, type=Path, help="a d2l-java checkout")
    parser.add_argument("--only", action="append", default=[], help="run only paths containing this (repeatable)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds one cell may run")
    parser.add_argument("--jar", type=Path, default=ROOT / "kernel" / "target" / "djl-kernel.jar",
                        help="the kernel jar to install and run (default: this build's)")
    args = parser.parse_args()
    repo = args.repo.resolve()
    if not (repo / "utils" / "djl-imports.ipynb").exists():
        sys.exit(f"{repo} is not a d2l-java checkout (no utils/djl-imports.ipynb)")
    jar = args.jar.resolve()
    if not jar.is_file():
        sys.exit(f"{jar} not found: build it first (mvn -B package)")
    prefix = ROOT / "build" / "d2l-kernel"
    java = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else "java"
    subprocess.run([java, "-jar", str(jar), "install", "--prefix", str(prefix), "--name", "java"], check=True,
                   capture_output=True)
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    os.environ.setdefault("DJL_OFFLINE", "true")
    os.environ.setdefault("MAX_EPOCH", "1")
    os.environ.setdefault("DATASET_LIMIT", "64")
    chapters = sorted(p for p in repo.glob("chapter_*/*.ipynb"))
    if args.only:
        chapters = [p for p in chapters if any(o in str(p) for o in args.only)]
    out_dir = ROOT / "build" / "d2l-executed"
    report = []
    for path in chapters:
        name = str(path.relative_to(repo))
        status, detail, seconds = run(path, args.timeout, out_dir, repo)
        report.append({"chapter": name, "status": status, "detail": detail, "seconds": round(seconds, 1)})
        print(f"{status:17} {seconds:6.1f}s  {name}  {detail}", flush=True)
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "d2l-report.json").write_text(json.dumps(report, indent=1))
    counts = {}
    for r in report:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print("summary:", ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
