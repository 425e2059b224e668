"""Benchmark: 50 concurrent API conversions against ``exporter serve`` on loopback; memory, temp files, p95.

Run from the project root: ``python benchmarks/bench_web.py [--n 50] [--to pdf] [--queue Q]``. It starts the
server with its own $TMPDIR, warms it up, fires N requests at once, and checks: every answer is 200 or a clean
503 (JSON, Retry-After), the resident memory of the server and all its children stays at most 1 GB and at
most 1.5 x its level after warm-up, and no temporary file is left. It prints a JSON report and exits 1 when a
check fails. Two rounds by default: the server's default queue (2 x workers), then a queue as long as N.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources" / "japan-us-summit.txt"
GB = 1024**3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
    parts.append(head.encode() + b"Content-Type: text/plain\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _post(url: str, body: bytes, content_type: str) -> tuple[int, float, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
            return answer.status, time.perf_counter() - started, {}
    except urllib.error.HTTPError as error:
        payload = error.read()
        info = {"retry_after": error.headers.get("Retry-After"), "body": payload.decode("utf-8", "replace")}
        return error.code, time.perf_counter() - started, info


def _rss(pid: int) -> int:
    """Resident memory of the server and every process under it (fork server and workers)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0


def run_round(n: int, fmt: str, queue: int | None, workers: int | None) -> dict[str, Any]:
    """Start a server, warm it up, send ``n`` requests at once; the measurements and the checks."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-web-"))
    port = _free_port()
    cmd = [sys.executable, "-m", "exporter", "serve", "--port", str(port)]
    if queue is not None:
        cmd += ["--queue", str(queue)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    server = subprocess.Popen(cmd, env={**os.environ, "TMPDIR": str(scratch)}, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    body, content_type = _multipart({"name": "a.txt", "to": fmt}, "text", "a.txt", SAMPLE.read_bytes())
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        for _ in range(6):  # warm-up: every worker has read, rendered and drawn once
            status, _, _ = _post(f"{url}/api/export", body, content_type)
            assert status == 200, status
        warm = _rss(server.pid)
        peak = warm
        sampling = True

        def sample() -> None:
            nonlocal peak
            while sampling:
                peak = max(peak, _rss(server.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=n) as pool:
            results = list(pool.map(lambda _: _post(f"{url}/api/export", body, content_type), range(n)))
        wall = time.perf_counter() - started
        sampling = False
        sampler.join()
        after = _rss(server.pid)
    finally:
        server.terminate()
        _, log = server.communicate(timeout=60)
    leftovers = [str(p) for p in scratch.rglob("*")]
    ok = [t for status, t, _ in results if status == 200]
    busy = [info for status, _, info in results if status == 503]
    clean_busy = all(i["retry_after"] == "5" and json.loads(i["body"])["code"] == "busy" for i in busy)
    other = sorted({status for status, _, _ in results if status not in (200, 503)})
    report = {
        "requests": n,
        "format": fmt,
        "queue": queue if queue is not None else "default (2 x workers)",
        "ok": len(ok),
        "busy_503": len(busy),
        "other_statuses": other,
        "wall_s": round(wall, 2),
        "throughput_per_s": round(len(ok) / wall, 2) if wall else 0.0,
        "p95_ms": round(_p95(ok) * 1000),
        "median_ms": round(sorted(ok)[len(ok) // 2] * 1000) if ok else 0,
        "rss_warm_mb": round(warm / 2**20),
        "rss_peak_mb": round(peak / 2**20),
        "rss_after_mb": round(after / 2**20),
        "temp_files_left": leftovers,
        "server_exit": server.returncode,
    }
    report["checks"] = {
        "all_200_or_clean_503": not other and clean_busy,
        "rss_peak_under_1GB": peak <= GB,
        "rss_peak_under_1.5x_warm": peak <= 1.5 * warm,
        "no_temp_files": not leftovers,
        "log_has_no_text": "Ishiba" not in log,
    }
    return report


def main() -> None:
    """Run the rounds and print the report; exit 1 when a check fails."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--to", default="pdf", choices=["docx", "pdf", "epub", "zip"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--queue", type=int, default=None, help="only this queue length (else: default, then N)")
    args = parser.parse_args()
    queues = [args.queue] if args.queue is not None else [None, args.n]
    reports = [run_round(args.n, args.to, queue, args.workers) for queue in queues]
    print(json.dumps(reports, indent=2))
    sys.exit(0 if all(all(r["checks"].values()) for r in reports) else 1)


if __name__ == "__main__":
    main()
