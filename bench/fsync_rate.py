#!/usr/bin/python3
"""The physical ceiling of a durable spool on this machine: how many "write 4 KiB, fsync the
file, rename it into place, fsync the directory" operations per second the filesystem that
holds DIR completes, with 1 writer and with several concurrent writers (ext4 and XFS batch
concurrent fsyncs into one journal commit, which is what group commit relies on).

    fsync_rate.py DIR [--seconds S] [--threads 1 16]

Prints one JSON object: {"dir": ..., "fs": ..., "results": [{"threads": N, "ops": ...,
"seconds": ..., "ops_per_s": ...}, ...]}. Every file it creates is removed again.
Standard library only; fsync releases the GIL, so threads really run concurrently.
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

BLOCK = b"x" * 4096


def writer(directory, index, stop, counts):
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    n = 0
    try:
        while not stop.is_set():
            tmp = os.path.join(directory, "tmp-%d-%d" % (index, n))
            final = os.path.join(directory, "msg-%d-%d" % (index, n))
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, BLOCK)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.rename(tmp, final)
            os.fsync(dir_fd)
            os.unlink(final)  # not synced: like a delivered message, it may come back
            n += 1
    finally:
        os.close(dir_fd)
    counts[index] = n


def measure(parent, threads, seconds):
    directory = tempfile.mkdtemp(prefix="fsync-rate-", dir=parent)
    try:
        stop = threading.Event()
        counts = [0] * threads
        workers = [threading.Thread(target=writer, args=(directory, i, stop, counts))
                   for i in range(threads)]
        t0 = time.monotonic()
        for w in workers:
            w.start()
        time.sleep(seconds)
        stop.set()
        for w in workers:
            w.join()
        elapsed = time.monotonic() - t0
        ops = sum(counts)
        return {"threads": threads, "ops": ops, "seconds": round(elapsed, 3),
                "ops_per_s": round(ops / elapsed, 1)}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def filesystem(path):
    try:
        out = subprocess.run(["df", "-T", path], capture_output=True, text=True).stdout
        return out.splitlines()[1].split()[1]
    except (OSError, IndexError):
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 16])
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    results = [measure(a.dir, t, a.seconds) for t in a.threads]
    print(json.dumps({"dir": os.path.abspath(a.dir), "fs": filesystem(a.dir),
                      "operation": "write 4 KiB + fsync + rename + fsync(dir)",
                      "results": results}))


if __name__ == "__main__":
    main()
