"""The CPUs a run may use: affinity, bounded by the cgroup v2 or v1 CPU quota (faked file systems here)."""

import os

import pytest

from kinelint.check import cpus


def fake(tmp_path, proc_cgroup: str, files: dict[str, str]):
    root = tmp_path / "cgroup"
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (tmp_path / "proc-cgroup").write_text(proc_cgroup)
    return tmp_path / "proc-cgroup", root


@pytest.mark.parametrize("cpu_max, expected", [
    ("max 100000\n", None),
    ("150000 100000\n", 1.5),
    ("100000 100000\n", 1.0),
    ("400000 100000\n", 4.0),
    ("garbage\n", None),
    ("-1 100000\n", None),
    ("0 100000\n", None),
])
def test_cgroup_v2_cpu_max(tmp_path, cpu_max, expected):
    proc, root = fake(tmp_path, "0::/\n", {"cpu.max": cpu_max})
    assert cpus.cgroup_cpu_quota(proc, root) == expected


def test_cgroup_v2_the_smallest_limit_from_the_process_cgroup_up(tmp_path):
    proc, root = fake(tmp_path, "0::/user.slice/job\n", {"cpu.max": "max 100000", "user.slice/cpu.max": "250000 100000",
                                                         "user.slice/job/cpu.max": "max 100000"})
    assert cpus.cgroup_cpu_quota(proc, root) == 2.5


def test_a_cgroup_path_of_the_host_absent_in_a_container_reads_the_mount_itself(tmp_path):
    proc, root = fake(tmp_path, "0::/docker/0123abcd\n", {"cpu.max": "200000 100000"})
    assert cpus.cgroup_cpu_quota(proc, root) == 2.0


@pytest.mark.parametrize("controllers", ["cpu,cpuacct", "cpu"])
def test_cgroup_v1_cfs_quota(tmp_path, controllers):
    proc, root = fake(tmp_path, f"4:memory:/x\n3:{controllers}:/x\n", {
        f"{controllers}/cpu.cfs_quota_us": "-1\n", f"{controllers}/cpu.cfs_period_us": "100000\n",
        f"{controllers}/x/cpu.cfs_quota_us": "50000\n", f"{controllers}/x/cpu.cfs_period_us": "100000\n",
        "memory/x/cpu.cfs_quota_us": "1000\n"})  # another controller's folder: not read
    assert cpus.cgroup_cpu_quota(proc, root) == 0.5


def test_cgroup_v1_unlimited(tmp_path):
    proc, root = fake(tmp_path, "3:cpu,cpuacct:/\n", {"cpu,cpuacct/cpu.cfs_quota_us": "-1\n",
                                                      "cpu,cpuacct/cpu.cfs_period_us": "100000\n"})
    assert cpus.cgroup_cpu_quota(proc, root) is None


def test_no_cgroup_file_system_is_no_limit(tmp_path):
    assert cpus.cgroup_cpu_quota(tmp_path / "absent", tmp_path) is None
    proc, root = fake(tmp_path, "0::/\n", {})
    assert cpus.cgroup_cpu_quota(proc, root) is None


def test_usable_cpus_rounds_a_quota_up_and_never_exceeds_the_affinity(tmp_path, monkeypatch):
    monkeypatch.setattr(cpus, "_affinity", lambda: 8)
    for quota, expected in (("150000 100000", 2), ("100000 100000", 1), ("10000 100000", 1),
                            ("1600000 100000", 8), ("max 100000", 8)):
        proc, root = fake(tmp_path / quota.replace(" ", "-"), "0::/\n", {"cpu.max": quota})
        assert cpus.usable_cpus(proc, root) == expected, quota


def test_usable_cpus_on_this_machine_is_at_most_the_affinity():
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert 1 <= cpus.usable_cpus() <= affinity
