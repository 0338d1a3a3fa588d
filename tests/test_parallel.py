"""Ingesting on worker processes or a Dask cluster stores exactly what a serial ingest stores.

One local process pool and one real Dask LocalCluster (2 worker processes each) serve the whole
module: every worker loads spaCy and the gazetteer once. Batches are 3 documents, so the sample
reports plus a few invented ones make several batches.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

from eventledger import extract, ingest, parallel
from eventledger.pipeline import ingest as run
from eventledger.store import Store
from eventledger.store.check import check_file

ROOT = Path(__file__).resolve().parents[1]
BATCH = 3
RAISES = "Zorvak Brigade"  # a document naming it makes extraction raise on the workers
KILLS = "Quellmoor"  # a document naming it kills the worker process that handles it


def trapping_preload() -> None:
    """The workers' own preload, plus traps for the two kinds of bad document above."""
    parallel.preload()

    def trap(doc, rec) -> list:
        if RAISES in doc.text:
            raise ValueError("the trap was sprung")
        if KILLS in doc.text:
            os._exit(1)
        return []

    if extract.EXTRACTORS[0][1].__name__ != "trap":  # the entities extractor runs right after and replaces []
        extract.EXTRACTORS.insert(0, ("entities", trap))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The sample reports and six short invented ones: 16 documents, six batches."""
    folder = tmp_path_factory.mktemp("reports")
    shutil.copytree(ROOT / "examples" / "reports", folder, dirs_exist_ok=True)
    for i, (who, what, where) in enumerate([
        ("Government forces", "shelled", "Tel Hamid"), ("Rebel fighters", "raided", "Kafr Suda"),
        ("Police", "detained 14 protesters in", "Ain Qasr"), ("An armed group", "attacked", "Deir Mahal"),
        ("Militiamen", "stormed", "Bir Saba"), ("The air force", "bombed", "Wadi Hamra"),
    ]):
        (folder / f"invented-{i}.txt").write_text(
            f"{who} {what} {where} on Tuesday, killing {i + 2} civilians, residents said.\n\n"
            f"\"We buried {i + 2} people,\" said Hamid Saleh, a farmer.\n")
    return folder


def documents(folder: Path) -> list[ingest.RawDocument]:
    return [d for d in ingest.read_all([str(folder)]) if isinstance(d, ingest.RawDocument)]


def stored(db: Path) -> list[str]:
    """Every stored record in document order, as comparable text."""
    with Store(db) as store:
        return [json.dumps(r, sort_keys=True) for r in store.record_dicts()]


@pytest.fixture(scope="module")
def serial(reports, tmp_path_factory) -> list[str]:
    db = tmp_path_factory.mktemp("serial") / "ledger.db"
    with Store(db) as store:
        run(store, ingest.read_all([str(reports)]))
    return stored(db)


@pytest.fixture(scope="module")
def pool():
    with parallel.Workers(2, batch_size=BATCH, load=trapping_preload) as workers:
        yield workers


@pytest.fixture(scope="module")
def cluster():
    """Stands in for a remote cluster, its workers started with the settings the README recommends."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    with dask.config.set(parallel.DASK_CONFIG):
        c = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with c:
        yield c


@pytest.fixture(scope="module")
def dask(cluster):
    with parallel.Workers(cluster=cluster.scheduler_address, batch_size=BATCH, load=trapping_preload) as workers:
        yield workers


@pytest.fixture(params=["pool", "dask"])
def workers(request) -> parallel.Workers:
    return request.getfixturevalue(request.param)


def test_workers_store_the_same_records_in_the_same_order_as_one_process(workers, reports, serial, tmp_path):
    db = tmp_path / "ledger.db"
    with Store(db) as store:
        summary = run(store, ingest.read_all([str(reports)]), executor=workers)
    assert summary.ingested == 16 and not summary.failed
    assert stored(db) == serial
    assert "2" in workers.where and "worker" in workers.where


def test_a_document_whose_extraction_raises_is_reported_and_the_rest_stored(workers, reports, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(f"Fighters of the {RAISES} shelled the market on Monday, residents said.\n")
    db = tmp_path / "ledger.db"
    with Store(db) as store:
        summary = run(store, ingest.read_all([str(reports), str(bad)]), executor=workers)
        assert summary.ingested == 16
        assert [(f.where, f.reason) for f in summary.failed] == [
            (str(bad), "extraction failed: ValueError: the trap was sprung")]
        assert [tuple(r)[:2] for r in store.failures()] == [(str(bad), summary.failed[0].reason)]


def test_a_batch_whose_worker_is_killed_is_run_again_and_stored_once(workers, reports, tmp_path):
    def kill_one_worker(where: str) -> None:
        if not killed:
            killed.append(where)
            if workers is dask_workers:
                client = dask_workers._client
                client.run(os._exit, 1, workers=[next(iter(client.nthreads()))], on_error="ignore")
            else:
                pool_processes = [p for p in multiprocessing.active_children() if not p.name.startswith("Dask")]
                os.kill(pool_processes[0].pid, signal.SIGKILL)

    dask_workers = workers if workers.cluster else None
    killed: list[str] = []
    db = tmp_path / "ledger.db"
    with Store(db) as store:
        summary = run(store, ingest.read_all([str(reports)]), progress=kill_one_worker, executor=workers)
    assert killed and summary.ingested == 16 and not summary.failed
    assert len(set(stored(db))) == 16


def test_a_document_that_kills_its_worker_fails_alone(pool, reports, tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "retries", 0)  # each run alone that crashes counts: fewer pool restarts
    poison = tmp_path / "poison.txt"
    poison.write_text(f"Troops entered {KILLS} on Sunday and burned the houses, witnesses said.\n")
    db = tmp_path / "ledger.db"
    with Store(db) as store:
        summary = run(store, ingest.read_all([str(poison), *map(str, sorted(reports.glob("invented-*")))]),
                      executor=pool)
    assert summary.ingested == 6
    assert [(f.where, f.reason) for f in summary.failed] == [(str(poison), parallel.LOST)]


def test_an_interrupted_ingest_is_completed_by_a_rerun_without_duplicates(workers, reports, tmp_path):
    def stop_after_five(where: str) -> None:
        seen.append(where)
        if len(seen) == 5:
            raise KeyboardInterrupt

    seen: list[str] = []
    db = tmp_path / "ledger.db"
    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        run(store, ingest.read_all([str(reports)]), progress=stop_after_five, executor=workers)
    with Store(db) as store:
        assert store.count() == 5
        again = run(store, ingest.read_all([str(reports)]), executor=workers)
    assert (again.ingested, again.duplicates) == (11, 5)
    assert len(set(stored(db))) == 16
    assert check_file(db).ok


def worker_settings() -> tuple[str | None, bool]:
    """Run on a Dask worker: its malloc trim threshold and whether its sampling profiler is on."""
    import dask

    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled")


def test_a_local_dask_cluster_stores_the_same_records_and_its_workers_run_lean(reports, serial, tmp_path):
    """Dask's default malloc trimming and sampling profiler made its workers a fifth slower than the pool (issue #6)."""
    db = tmp_path / "ledger.db"
    with parallel.Workers(2, parallel.LOCAL, batch_size=BATCH) as workers, Store(db) as store:
        summary = run(store, ingest.read_all([str(reports)]), executor=workers)
        settings = workers._client.run(worker_settings)
    assert summary.ingested == 16 and stored(db) == serial
    assert workers.where == "on a local Dask cluster of 2 worker processes"
    assert set(settings.values()) == {(None, False)}


def test_a_small_ingest_starts_no_workers(tmp_path):
    with parallel.Workers(2, batch_size=BATCH) as workers, Store(tmp_path / "ledger.db") as store:
        summary = run(store, ingest.read_all([str(ROOT / "examples" / "reports" / "syria_deir_ezzor_detentions.txt")]),
                      executor=workers)
        assert summary.ingested == 1 and workers.where == "in this process"
