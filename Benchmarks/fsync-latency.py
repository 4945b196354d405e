"""How long this machine's disk takes to make 8 KiB durable: the floor under every group commit.

Writes 400 blocks of 8 KiB in place into a preallocated file (as SQLite reuses its WAL) and
times `fdatasync` after each. Run with nothing else on the machine; compare with the COMMIT link
of `FLOWTUNE_TRACE_COMMITS=1 flowtune bench lifecycles …`.

    python3 Benchmarks/fsync-latency.py [directory]
"""
import os
import sys
import tempfile
import time

directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
path = os.path.join(directory, "flowtune-fsync-latency.bin")
block, count = 8192, 400
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
try:
    os.write(fd, b"\0" * (block * count))
    os.fsync(fd)
    times = []
    for i in range(count):
        os.pwrite(fd, b"x" * block, i * block)
        start = time.perf_counter()
        os.fdatasync(fd)
        times.append((time.perf_counter() - start) * 1000)
finally:
    os.close(fd)
    os.unlink(path)
times.sort()
print("fdatasync of %d KiB written in place, %d syncs: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms" % (
    block // 1024, count, times[count // 2], times[count * 9 // 10], times[count * 99 // 100], times[-1]))
