"""The processing stage on several local processes or a Dask cluster; this process stays the store's only writer.

Workers run the pipeline's own ``process_stream`` on batches of documents, so a record is the same
whichever process made it. The spaCy pipeline and gazetteer load once per worker, when it starts.
This process reads the inputs lazily, keeps at most ``in_flight`` batches out at a time (memory does
not grow with the corpus) and hands the results on in input order, so documents are stored in the
same order as by a serial run. Workers send back records, never the bytes they were given: the raw
documents stay here until their batch returns.

A batch whose task is lost (its worker died: a crash, a kill, out of memory) is run again; if it
fails again it is split into single documents, so that one poison document cannot sink its
batch-mates, and a document that still fails is reported as a failure of that document.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain

from eventledger import nlp, pipeline
from eventledger.ingest import IngestError, RawDocument
from eventledger.pipeline import BATCH_SIZE, process_stream
from eventledger.record import Record

LOCAL = "local"  # --cluster local: a Dask LocalCluster on this machine
LOST = "the worker process died while processing it (a crash, a kill or out of memory)"

Output = tuple[RawDocument, Record] | IngestError
# One numpy/BLAS thread per worker, as Dask's nanny sets for its workers: the processes are the
# parallelism, and more BLAS threads than cores only spin (measured: +10% CPU per document)
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
# Dask settings for our workers, which spend their time in spaCy (measured on 2 workers, issue #6):
# - Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, and setting any malloc threshold
#   turns off glibc's sliding mmap threshold: every array spaCy makes over 128 KiB is then mmap'ed,
#   page-faulted and unmapped again, +15 ms system CPU per document (also in one plain process);
#   None drops the variable, leaving glibc's defaults, as in the local pool
# - the sampling profiler stops the task thread every 10 ms to walk its stack: +4 ms CPU per document
# - the event loop's health tick (every 20 ms), memory monitor (100 ms) and system monitor (500 ms) take
#   the GIL from the task thread: +3 ms; once a second still catches a blocked loop or a runaway worker
DASK_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
               "distributed.worker.profile.enabled": False,
               "distributed.admin.tick.interval": "1s",
               "distributed.worker.memory.monitor-interval": "1s",
               "distributed.admin.system-monitor.interval": "1s"}


class WorkerError(Exception):
    """Workers that cannot start: a Dask cluster that cannot be reached, or workers that cannot run eventledger."""


def cpu_count() -> int:
    """CPUs this process may use (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def preload() -> None:
    """Load the spaCy pipeline and the gazetteer now, so that a worker's first batch is not slow."""
    from eventledger.extract.gazetteer import gazetteer

    nlp.load()
    gazetteer()


def run_batch(raws: list[RawDocument]) -> list[Record | IngestError]:
    """One batch through clean -> parse -> extract, on a worker: records and failures, never the bytes back."""
    return [out if isinstance(out, IngestError) else out[1] for out in process_stream(raws)]


def _start_local_worker(load: Callable[[], None]) -> None:
    # Ctrl-C reaches the whole process group: the main process decides when workers stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    load()


def _dask_preload(load: Callable[[], None]):
    """A WorkerPlugin that runs ``load`` on every worker of the cluster, including ones that join or restart later."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class Preload(WorkerPlugin):
        name = "eventledger-preload"

        async def setup(self, worker) -> None:
            await asyncio.to_thread(load)  # off the worker's event loop, which must keep answering heartbeats

    return Preload()


@dataclass
class _Job:
    raws: list[RawDocument]
    before: list[IngestError]  # reader failures that came just before these documents in the stream
    future: cf.Future | None = None
    results: list[Record | IngestError] | None = None
    generation: int = 0  # which local pool it was sent to (a pool that breaks is replaced by the next)
    lost: int = 0  # failures that were its own fault
    suspect: bool = False  # out when a pool broke: rerun alone to learn whether it was to blame
    alone: bool = False  # it ran with nothing else in the pool, so a crash was its own

    def running(self) -> bool:
        return self.future is not None and not self.future.done()

    def output(self) -> Iterator[Output]:
        yield from self.before
        by_hash = {r.content_hash: r for r in self.raws}
        for out in self.results or []:
            yield out if isinstance(out, IngestError) else (by_hash[out.document.id], out)


def _batches(items: Iterable[RawDocument | IngestError], size: int) -> Iterator[_Job]:
    raws: list[RawDocument] = []
    errors: list[IngestError] = []
    for item in items:
        (errors if isinstance(item, IngestError) else raws).append(item)
        if len(raws) >= size or len(errors) >= size:  # a stream of only failures must not pile up either
            yield _Job(raws, errors)
            raws, errors = [], []
    if raws or errors:
        yield _Job(raws, errors)


@dataclass
class Workers:
    """Where batches are processed: ``workers`` local processes, or a Dask cluster (``cluster`` address or "local").

    Call it on a stream of inputs, like ``process_stream``; workers start on the first stream
    that is worth it (at least two batches of documents, else it runs in this process) and stay
    up until ``close()``.
    """

    workers: int | None = None  # default: one per CPU
    cluster: str | None = None
    batch_size: int = BATCH_SIZE
    in_flight: int | None = None  # batches out at once; default two per worker, so none waits for work
    retries: int = 1  # a lost batch is run again this often before it is split into documents
    load: Callable[[], None] = preload  # what each worker runs when it starts
    where: str = field(default="in this process", init=False)
    _pool: cf.Executor | None = field(default=None, init=False, repr=False)
    _generation: int = field(default=0, init=False, repr=False)
    _client: object = field(default=None, init=False, repr=False)
    _local_cluster: object = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.workers = self.workers or cpu_count()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:  # its executor goes with it
            self._client.close()
            self._client = None
        elif self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        if self._local_cluster is not None:
            self._local_cluster.close()
            self._local_cluster = None

    def __call__(self, items: Iterable[RawDocument | IngestError]) -> Iterator[Output]:
        items = iter(items)
        if self._pool is None and self.cluster in (None, LOCAL):  # only a remote cluster is already running
            head: list[RawDocument | IngestError] = []
            docs = 0
            for item in items:
                head.append(item)
                docs += isinstance(item, RawDocument)
                if docs >= 2 * self.batch_size:
                    break
            else:  # too little to repay starting workers (each loads the model)
                yield from process_stream(head)
                return
            items = chain(head, items)
        if self._pool is None:
            self._start()
        yield from self._run(items)

    # ------------------------------------------------------------------ starting

    def _start(self) -> None:
        if self.cluster is None:
            self._pool = self._local_pool()
            try:  # a worker that cannot start would otherwise break every pool that replaces it
                self._pool.submit(nlp.model_id).result()
            except BrokenProcessPool as exc:
                self.close()
                raise WorkerError("the worker processes could not start (see the error above)") from exc
            slots = self.workers
            self.where = f"on {self.workers} local worker processes"
        else:
            slots = self._connect()
        self.in_flight = self.in_flight or 2 * slots

    def _local_pool(self) -> cf.ProcessPoolExecutor:
        # spawn, not fork: this process holds threads (the progress bar's, Dask's) and an open SQLite
        # connection, which a forked child would inherit in an undefined state; a spawned worker
        # costs an interpreter start plus the model load, once per worker
        for name, value in SINGLE_THREADED.items():  # inherited by the workers, which the pool spawns as needed
            os.environ.setdefault(name, value)
        return cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_start_local_worker, initargs=(self.load,))

    def _connect(self) -> int:
        import dask
        from distributed import Client, LocalCluster

        if self.cluster == LOCAL:
            with dask.config.set(DASK_CONFIG):  # each nanny keeps the config it was made with, for restarts too
                self._local_cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                   dashboard_address=None)
            self._client = Client(self._local_cluster)
        else:
            try:
                self._client = Client(self.cluster, timeout="30s")
                self._client.wait_for_workers(1, timeout=60)
            except (OSError, TimeoutError) as exc:
                raise WorkerError(f"no Dask cluster with workers at {self.cluster}: {exc}") from exc
        try:
            self._client.register_plugin(_dask_preload(self.load))
        except Exception as exc:
            raise WorkerError(f"the Dask workers at {self.cluster} could not load eventledger (is the same version "
                               f"installed there?): {type(exc).__name__}: {exc}") from exc
        threads = sum(self._client.nthreads().values())
        # Dask re-runs a task whose worker died itself (up to its allowed-failures) and, with
        # retries, one that raised; what still fails is split into documents here
        self._pool = self._client.get_executor(pure=False, retries=self.retries)
        n = len(self._client.nthreads())
        self.where = (f"on a local Dask cluster of {n} worker processes" if self.cluster == LOCAL
                      else f"on {n} Dask workers ({threads} threads) at {self.cluster}")
        return threads

    # ------------------------------------------------------------------ running

    def _run(self, items: Iterator[RawDocument | IngestError]) -> Iterator[Output]:
        jobs = _batches(items, self.batch_size)
        window: list[_Job] = []  # in input order; results leave from the front only
        try:
            while True:
                self._fill(window, jobs)
                if not window:
                    return
                if window[0].results is not None:
                    yield from window.pop(0).output()
                    continue
                cf.wait([j.future for j in window if j.running()], return_when=cf.FIRST_COMPLETED)
                for job in list(window):
                    if job.results is None and job.future is not None and job.future.done():
                        self._collect(window, job)
        finally:  # stopped early (Ctrl-C, an error while storing): nothing more is needed from the workers
            for job in window:
                if job.future is not None:
                    job.future.cancel()

    def _fill(self, window: list[_Job], jobs: Iterator[_Job]) -> None:
        suspects = [j for j in window if j.suspect and j.results is None]
        if suspects:  # a pool broke with several batches out: rerun them one at a time to find the culprit
            if not any(j.running() for j in window):
                self._submit(suspects[0], alone=True)
            return
        for job in window:
            if job.results is None and job.future is None:
                self._submit(job)
        while len(window) < (self.in_flight or 1):
            job = next(jobs, None)
            if job is None:
                return
            window.append(job)
            if job.raws:
                self._submit(job)
            else:
                job.results = []

    def _submit(self, job: _Job, alone: bool = False) -> None:
        assert self._pool is not None
        job.alone, job.generation = alone, self._generation
        job.future = self._pool.submit(run_batch, job.raws)

    def _collect(self, window: list[_Job], job: _Job) -> None:
        assert job.future is not None
        exc = job.future.exception()
        if exc is None:
            job.results = job.future.result()
            return
        job.future = None
        crashed = isinstance(exc, BrokenProcessPool)
        if crashed and job.generation == self._generation:  # the first of its batches to notice: replace the pool
            assert self._pool is not None
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._local_pool()
            self._generation += 1
        if crashed and not job.alone:  # any of the batches out may have killed the pool
            job.suspect = True
            return
        job.lost += 1
        own_retries = self.retries if self.cluster is None else 0  # Dask has already retried it
        if job.lost <= own_retries:
            job.suspect = self.cluster is None
            return
        reason = LOST if crashed or type(exc).__name__ == "KilledWorker" else \
            f"processing failed: {type(exc).__name__}: {exc}"
        if len(job.raws) == 1:
            job.results = [IngestError(pipeline.where(job.raws[0]), reason)]
            return
        singles = [_Job([raw], job.before if i == 0 else [], suspect=self.cluster is None)
                   for i, raw in enumerate(job.raws)]
        at = window.index(job)
        window[at:at + 1] = singles
