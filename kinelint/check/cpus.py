"""How many CPUs this process can really use: its CPU affinity and its cgroup's CPU quota.

``os.cpu_count()`` counts the host's CPUs: a container given two CPUs on a
64-core host sees 64, and 64 worker processes there share two CPUs' worth of
time. Python 3.13's ``os.process_cpu_count`` reads the affinity
(``sched_getaffinity``) but not the quota; the quota is read here as the JDK
and the Go runtime read it: cgroup v2 ``cpu.max`` ("QUOTA PERIOD" or "max
PERIOD"), cgroup v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us`` (-1:
unlimited), the smallest limit from the process's own cgroup up to the root,
rounded up to whole CPUs (the kernel documents the files in
Documentation/admin-guide/cgroup-v2.rst and scheduler/sched-bwc.rst).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

PROC_CGROUP = Path("/proc/self/cgroup")
CGROUP_ROOT = Path("/sys/fs/cgroup")


def usable_cpus(proc_cgroup: Path = PROC_CGROUP, cgroup_root: Path = CGROUP_ROOT) -> int:
    """The CPUs this process may run on, bounded by its cgroup's CPU quota; at least 1."""
    cpus = _affinity()
    quota = cgroup_cpu_quota(proc_cgroup, cgroup_root)
    return max(1, min(cpus, math.ceil(quota))) if quota is not None else cpus


def _affinity() -> int:
    if hasattr(os, "process_cpu_count"):  # Python 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def cgroup_cpu_quota(proc_cgroup: Path = PROC_CGROUP, cgroup_root: Path = CGROUP_ROOT) -> float | None:
    """CPUs' worth of time the cgroups allow (1.5 for 150 ms every 100 ms); None when unlimited or unknown
    (not Linux, no cgroup file system mounted, files unreadable)."""
    try:
        lines = proc_cgroup.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    limits = []
    for line in lines:
        hierarchy, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hierarchy == "0" and controllers == "":  # the cgroup v2 unified hierarchy
            limits += [_v2_limit(folder / "cpu.max") for folder in _folders(cgroup_root, path)]
        elif "cpu" in controllers.split(","):  # cgroup v1: mounted as "cpu,cpuacct" (often linked as "cpu")
            for mount in (cgroup_root / controllers, cgroup_root / "cpu"):
                if mount.is_dir():
                    limits += [_v1_limit(folder) for folder in _folders(mount, path)]
                    break
    limits = [limit for limit in limits if limit is not None]
    return min(limits) if limits else None


def _folders(mount: Path, path: str) -> list[Path]:
    """The cgroup's folder and its ancestors up to the mount. In a container the path read in
    /proc/self/cgroup may name the host's hierarchy, absent here: then the mount alone is the cgroup."""
    parts = [part for part in path.split("/") if part and part not in (".", "..")]
    folders = [mount.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]
    return [folder for folder in folders if folder.is_dir()]


def _v2_limit(file: Path) -> float | None:
    fields = _read(file).split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    return _ratio(fields[0], fields[1])


def _v1_limit(folder: Path) -> float | None:
    return _ratio(_read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us"))


def _ratio(quota: str, period: str) -> float | None:
    """quota / period, for two positive integers; None for -1 (unlimited) or anything unreadable."""
    quota, period = quota.strip(), period.strip()
    if not (quota.isascii() and quota.isdigit() and period.isascii() and period.isdigit()):
        return None
    if int(quota) <= 0 or int(period) <= 0:
        return None
    return int(quota) / int(period)


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="ascii", errors="replace")[:100]
    except OSError:
        return ""
