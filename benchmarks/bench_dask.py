"""A sweep on a Dask cluster of separate processes: speed-up with 2 workers, and byte-identity.

The shipped sweep (``params/sweeps/staffing_vs_recovery.yaml`` unless ``--sweep`` names another)
is run through ``python -m sim sweep`` three times, each into a fresh output folder (so that
nothing is resumed or skipped):

* ``local``: ``--workers 1`` on local processes — the reference for the results;
* ``dask_1``: ``--dask-scheduler tcp://127.0.0.1:PORT`` on a cluster of one ``dask worker``;
* ``dask_2``: the same on a cluster of two ``dask worker`` processes.

With ``--repeats R`` the two Dask runs are made R times each, alternating (1, 2, then 2, 1, ...),
each into its own folder; the speed-up is then the ratio of their medians.

Each cluster is started afresh from the command line, as on real machines: one ``dask scheduler``
process on a free port and N ``dask worker --nworkers 1 --nthreads 1`` processes, each its own
OS process (and process group), waited for until the scheduler has registered all N; the sweep's
wall time is measured from its command's start to its exit (cluster start-up excluded).
Occupancy = the points' wall times added up / (workers × the sweep's own wall time, from its
manifest): how busy the cluster kept its workers. It tells scheduling losses (idle workers) from
slower points (e.g. other jobs on the same cores). Every
process started here is stopped afterwards, also on an error or Ctrl-C.

Speed-up = wall(dask_1) / wall(dask_2) (medians); target ≥ 1.7× (PASS/FAIL). The output folders
are compared file by file, byte for byte, except what records when, where or how long a run took:

* ``manifest.json`` (the sweep's: the command, its output path, the backend, the number of
  workers, the creation time, the wall time) and ``.lock`` (pid and start time of the run):
  not compared;
* ``points.parquet``: compared without its ``wall_s`` column (each point's wall time);
* ``summary.xlsx``: a zip whose ``docProps/core.xml`` holds the creation time; every other member
  is compared byte for byte;
* ``runs/*/manifest.json``: compared without ``created_utc`` and ``wall_s``;
* ``runs/*/notebook.ipynb`` (papermill engine): not compared — it records execution times and
  gives its cells random ids; the tables the notebook writes are compared.

Everything else (``sweep.yaml``, ``summary.parquet``, ``summary.csv``, each point's Parquet
tables) must be byte-identical. ``--horizon-days``, ``--replications`` and ``--points`` shrink the
sweep (written to a temporary sweep file with the shipped one's settings otherwise). Usage::

    python benchmarks/bench_dask.py [--sweep FILE] [--horizon-days D] [--replications R]
        [--points N] [--engine papermill|direct] [--repeats N] [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "params" / "sweeps" / "staffing_vs_recovery.yaml"
TARGET_SPEEDUP = 1.7
REGISTER_TIMEOUT_S = 60.0
VOLATILE_POINT_KEYS = ("created_utc", "wall_s")
"""Keys of a point's manifest that record when and how long it ran."""


# --- the sweep file ------------------------------------------------------------------------------


def sweep_file(args: argparse.Namespace, tmp: Path) -> tuple[Path, dict[str, Any]]:
    """The sweep file to run (the chosen file itself, or a shrunk copy in ``tmp``) and what it
    runs: name, points, replications, horizon, engine."""
    from sim.experiments.sweep_spec import expand, load_sweep

    spec = yaml.safe_load(args.sweep.read_text(encoding="utf-8"))
    shrunk = args.horizon_days is not None or args.replications is not None or args.points
    path = args.sweep
    if shrunk:
        here = args.sweep.resolve().parent
        spec["scenario"] = str((here / spec["scenario"]).resolve())
        spec["overlays"] = [str((here / o).resolve()) for o in spec.get("overlays", [])]
        if "notebook" in spec:
            spec["notebook"] = str((here / spec["notebook"]).resolve())
        if args.horizon_days is not None:
            spec.setdefault("overrides", {})["calendar.horizon_days"] = args.horizon_days
        if args.replications is not None:
            spec["replications"] = args.replications
        if args.points:
            points = expand(load_sweep(args.sweep))[: args.points]
            for key in ("grid", "latin_hypercube"):
                spec.pop(key, None)
            spec["points"] = [p.params for p in points]
        path = tmp / args.sweep.name
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    sweep = load_sweep(path)
    horizon = sweep.overrides.get("calendar.horizon_days")
    if horizon is None:
        base = yaml.safe_load((path.parent / sweep.scenario).read_text(encoding="utf-8"))
        horizon = base.get("calendar", {}).get("horizon_days")
    return path, {
        "sweep": str(args.sweep.resolve().relative_to(ROOT))
        if args.sweep.resolve().is_relative_to(ROOT)
        else str(args.sweep),
        "name": sweep.name,
        "points": len(expand(sweep)),
        "replications": sweep.replications,
        "horizon_days": horizon,
        "engine": args.engine or sweep.engine,
        "shrunk": bool(shrunk),
    }


# --- processes -----------------------------------------------------------------------------------


def environment() -> dict[str, str]:
    """This process's environment with the repository on ``PYTHONPATH`` (for the workers too)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def dask_command() -> str:
    """The ``dask`` command of this interpreter's environment."""
    beside = Path(sys.executable).parent / "dask"
    return str(beside) if beside.exists() else "dask"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Processes:
    """Processes started here, each in a process group of its own; :meth:`stop` ends them
    (SIGTERM to the group, then SIGKILL after a grace period)."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.started.append((name, proc))
        return proc

    def check_alive(self) -> None:
        for name, proc in self.started:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 20) -> str:
        text = (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace_s: float = 10.0) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            live = [p for _, p in self.started if p.poll() is None]
            for proc in live:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
            deadline = time.monotonic() + grace_s
            for proc in live:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(max(0.1, deadline - time.monotonic()))
        self.started.clear()


@contextlib.contextmanager
def cluster(workers: int, logs: Path) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` separate ``dask worker`` processes on this machine,
    all registered; yields the scheduler's address and stops them all on the way out."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = dask_command()
    logs.mkdir(parents=True, exist_ok=True)
    procs = Processes(logs)
    try:
        procs.start(
            f"scheduler-{workers}",
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        )
        for i in range(workers):
            procs.start(
                f"worker-{workers}-{i + 1}",
                [
                    dask,
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--name",
                    f"bench-{i + 1}",
                    "--local-directory",
                    str(logs / f"worker-{workers}-{i + 1}"),
                ],
            )
        deadline = time.monotonic() + REGISTER_TIMEOUT_S
        while True:  # the scheduler may not listen yet
            procs.check_alive()
            try:
                client = Client(address, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        with client:
            client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
            registered = len(client.scheduler_info(n_workers=-1)["workers"])
        if registered != workers:
            raise RuntimeError(f"{registered} workers registered, {workers} started")
        procs.check_alive()
        yield address
    finally:
        procs.stop()


def timed_sweep(spec: Path, out: Path, extra: list[str], engine: str, logs: Path) -> float:
    """Wall seconds of ``python -m sim sweep`` into the fresh folder ``out``."""
    command = [sys.executable, "-m", "sim", "sweep", str(spec), "--out", str(out)]
    command += ["--engine", engine, *extra]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environment(), capture_output=True, check=False)
    wall = time.perf_counter() - started
    (logs / f"sweep-{out.name}.log").write_bytes(done.stdout + done.stderr)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).decode(errors="replace").splitlines()[-30:]
        raise RuntimeError(f"sweep into {out} exited with {done.returncode}:\n" + "\n".join(tail))
    return wall


# --- comparing output folders --------------------------------------------------------------------


def comparable(folder: Path, relative: str) -> bytes | None:
    """What of a file must be identical across runs (None: not compared)."""
    path = folder / relative
    name = path.name
    if relative in ("manifest.json", ".lock") or name.endswith(".ipynb"):
        return None
    if relative == "points.parquet":
        table = pq.read_table(path)
        return repr(table.drop_columns(["wall_s"]).to_pydict()).encode()
    if name == "summary.xlsx":
        with zipfile.ZipFile(path) as book:
            members = sorted(n for n in book.namelist() if n != "docProps/core.xml")
            return b"".join(n.encode() + b"\0" + book.read(n) for n in members)
    if relative.startswith("runs/") and name == "manifest.json":
        manifest = json.loads(path.read_bytes())
        for key in VOLATILE_POINT_KEYS:
            manifest.pop(key, None)
        return json.dumps(manifest, sort_keys=True).encode()
    return path.read_bytes()


def compare(reference: Path, other: Path) -> dict[str, Any]:
    """Files of ``other`` that differ from (or are missing in either of) ``reference``."""

    def files(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}

    ref, oth = files(reference), files(other)
    differing, compared, excluded = [], 0, 0
    for relative in sorted(ref & oth):
        a = comparable(reference, relative)
        if a is None:
            excluded += 1
            continue
        compared += 1
        if a != comparable(other, relative):
            differing.append(relative)
    return {
        "identical": not differing and ref == oth,
        "compared": compared,
        "excluded": excluded,
        "differing": differing,
        "only_in_reference": sorted(ref - oth),
        "only_in_other": sorted(oth - ref),
    }


# --- main ----------------------------------------------------------------------------------------


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def main() -> int:
    """Run the three sweeps, compare them and print the figures; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sweep", type=Path, default=SHIPPED, help="sweep file (default: %(default)s)"
    )
    parser.add_argument("--horizon-days", type=int, help="override calendar.horizon_days")
    parser.add_argument("--replications", type=int, help="override the sweep's replications")
    parser.add_argument("--points", type=int, help="run only the first N points")
    parser.add_argument("--engine", choices=("papermill", "direct"), help="default: the sweep's")
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="Dask runs of each size, alternating 1-2, 2-1, ...; medians (default: 1)",
    )
    parser.add_argument("--keep", type=Path, help="keep the outputs and logs in this folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up as for Ctrl-C
    say = (lambda *_: None) if args.json else (lambda text: print(text, flush=True))

    with contextlib.ExitStack() as stack:
        if args.keep:
            tmp = args.keep.resolve()
            tmp.mkdir(parents=True, exist_ok=False)
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_dask-")))
        logs = tmp / "logs"
        logs.mkdir()
        spec, info = sweep_file(args, tmp)
        engine = info["engine"]
        load_before = load()
        say(
            f"{info['sweep']}: {info['points']} points x {info['replications']} replications, "
            f"horizon {info['horizon_days']} days, {engine} engine; load {load_before}"
        )
        wall: dict[str, float] = {}
        workers = {"local_1": 1}
        say("local, --workers 1 ...")
        wall["local_1"] = timed_sweep(spec, tmp / "local_1", ["--workers", "1"], engine, logs)
        for r in range(1, args.repeats + 1):
            for n in (1, 2) if r % 2 else (2, 1):
                key = f"dask_{n}_r{r}"
                workers[key] = n
                with cluster(n, logs / key) as address:
                    say(f"Dask, {n} worker process(es) at {address} ...")
                    wall[key] = timed_sweep(
                        spec, tmp / key, ["--dask-scheduler", address], engine, logs
                    )
        load_after = load()
        folders = {k: tmp / k / "sweeps" / info["name"] for k in wall}
        checks = {k: compare(folders["local_1"], folders[k]) for k in wall if k != "local_1"}
        in_sweep = {
            k: json.loads((f / "manifest.json").read_text(encoding="utf-8"))["wall_s_this_run"]
            for k, f in folders.items()
        }
        busy = {
            k: sum(pq.read_table(f / "points.parquet")["wall_s"].to_pylist())
            for k, f in folders.items()
        }
        occupancy = {k: busy[k] / (workers[k] * in_sweep[k]) for k in wall}

    median = {
        n: statistics.median(v for k, v in wall.items() if k.startswith(f"dask_{n}_"))
        for n in (1, 2)
    }
    speedup = median[1] / median[2]
    identical = all(c["identical"] for c in checks.values())
    result = {
        **info,
        "cores": os.cpu_count(),
        "repeats": args.repeats,
        **{f"{k}_wall_s": round(v, 2) for k, v in wall.items()},
        **{f"dask_{n}_median_wall_s": round(v, 2) for n, v in median.items()},
        **{f"{k}_sweep_wall_s": v for k, v in in_sweep.items()},
        **{f"{k}_occupancy": round(v, 3) for k, v in occupancy.items()},
        "speedup_2_vs_1_dask_workers": round(speedup, 2),
        "target_speedup": TARGET_SPEEDUP,
        "identical_to_local": identical,
        "comparison": checks,
        "load_before": load_before,
        "load_after": load_after,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            "wall s (command start to exit): "
            + ", ".join(f"{k} {v:.1f}" for k, v in wall.items())
            + f"; medians: Dask 1 worker {median[1]:.1f}, Dask 2 workers {median[2]:.1f}"
        )
        print(
            "occupancy (points' wall time / (workers x the sweep's own wall time)): "
            + ", ".join(f"{k} {v:.2f}" for k, v in occupancy.items())
        )
        print(
            f"speed-up, 2 Dask workers vs 1: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x) "
            f"{'PASS' if speedup >= TARGET_SPEEDUP else 'FAIL'}"
        )
        for k, c in checks.items():
            print(
                f"{k} vs local: {c['compared']} files compared, {c['excluded']} excluded, "
                f"identical: {'yes' if c['identical'] else 'no'}"
                + (f" (differ: {', '.join(c['differing'][:5])})" if c["differing"] else "")
                + (f" (missing: {c['only_in_reference'][:5]})" if c["only_in_reference"] else "")
                + (f" (extra: {c['only_in_other'][:5]})" if c["only_in_other"] else "")
            )
        print(f"identical: {'yes' if identical else 'no'}")
        print(f"load average before {load_before}; after {load_after}")
    return 0 if speedup >= TARGET_SPEEDUP and identical else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
