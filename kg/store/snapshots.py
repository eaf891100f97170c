"""Readers beside a writer on one store folder, soundly: published read snapshots.

RocksDB (under pyoxigraph) lets one process open a store folder read-write; opening the
folder read-only while another process writes to it is undefined behaviour (pyoxigraph's
docs). So kg processes share a folder by this protocol (all locks are ``flock``\\ s, held
through open file descriptions and released by the kernel when a process dies):

- A **writer** holds ``<store>/.kg-write.lock`` exclusively for its whole run, and
  ``<store>/.kg-read.lock`` exclusively from the moment every reader of the live folder
  has closed it. Only then does it open the folder read-write.
- While it runs, the writer **publishes read snapshots**: a RocksDB checkpoint
  (``Store.backup``: hard links to the immutable SST files, a copy of the small log) made
  in a temporary folder, renamed to ``<store>/.snapshots/<session>/<sequence>/`` and then
  named in ``<store>/.snapshots/CURRENT`` (replaced atomically). A snapshot is never
  changed after it is published, so opening it read-only is sound, and a checkpoint holds
  whole transactions only, so a reader sees whole articles. ``<session>/session.lock`` is
  held exclusively by the writer of that session: a snapshot whose session lock is free
  belongs to a writer that has ended (or was killed) and is never used.
- A **reader** first tests the write lock (holding it shared for an instant). Free: it
  holds ``.kg-read.lock`` shared and opens the live folder read-only for as long as it
  reads. Held: it opens the newest published snapshot read-only, holding the snapshot's
  ``reader.lock`` shared for as long as its store is open.
- **Garbage collection** deletes a snapshot only after taking its ``reader.lock``
  exclusively without waiting (so never one a reader uses), never the newest one of a
  running writer. A writer collects old snapshots after each publish, those a killed
  writer left behind when it starts, and its own when it ends.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError

WRITE_LOCK = ".kg-write.lock"
READ_LOCK = ".kg-read.lock"
SNAPSHOTS = ".snapshots"
POINTER = "CURRENT"
SESSION_LOCK = "session.lock"
READER_LOCK = "reader.lock"

PUBLISH_INTERVAL = 2.0  # seconds between snapshots while a writer has new commits
WRITER_GRACE = 0.5  # readers hold the write lock shared for an instant to test it
READERS_WAIT = 60.0  # a writer waits this long (at least) for readers of the live folder
SNAPSHOT_WAIT = 60.0  # a reader waits this long for a starting writer's first snapshot
_SEQUENCE = re.compile(r"^[0-9]{8}$")


class Locked(Exception):
    """Another process holds the store folder's write lock."""


def _open_lock(path: Path, create: bool = True) -> int | None:
    """A descriptor to flock ``path`` with; None if it is missing and cannot be made."""
    if create:
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EROFS, errno.EPERM):
                raise
    try:
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None


def _try_lock(fd: int, kind: int) -> bool:
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _close(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # releases the flock held through it


def snapshot_root(folder: Path) -> Path:
    return folder / SNAPSHOTS


def published(folder: Path) -> list[Path]:
    """Every snapshot folder under ``folder`` (live or stale), oldest session first."""
    root = snapshot_root(folder)
    if not root.is_dir():
        return []
    return sorted(
        snap
        for session in root.iterdir()
        if session.is_dir()
        for snap in session.iterdir()
        if _SEQUENCE.match(snap.name)
    )


# --------------------------------------------------------------------------- readers
class ReadLease:
    """What a reader holds while its store is open: a shared lock on the live folder or
    on the snapshot it reads."""

    def __init__(self, location: Path, fd: int | None, snapshot: bool) -> None:
        self.location = location
        self.snapshot = snapshot
        self._fd = fd

    def release(self) -> None:
        """Let go; the last reader of a snapshot whose writer has ended removes it."""
        _close(self._fd)
        self._fd = None
        if self.snapshot and not _session_alive(self.location.parent):
            _remove_dead(self.location)


def open_for_reading(folder: Path, wait: float = 0.0) -> tuple[ox.Store, ReadLease]:
    """A read-only store for ``folder``: the folder itself when no writer holds it, else
    the newest snapshot its writer has published (waiting up to ``SNAPSHOT_WAIT`` or
    ``wait`` seconds, whichever is longer, for a starting writer's first one)."""
    deadline = time.monotonic() + max(wait, SNAPSHOT_WAIT)
    while True:
        got = _open_live(folder)
        if got is None:
            got = _open_snapshot(folder)
        if got is not None:
            return got
        if time.monotonic() >= deadline:
            raise StoreError(
                f"{folder}: a kg process is writing to this store and has published no "
                "snapshot to read yet; try again when it has started (or finished)"
            )
        time.sleep(0.05)


def _open_live(folder: Path) -> tuple[ox.Store, ReadLease] | None:
    """The live folder, if no writer holds it (None if one does)."""
    is_store = (folder / "CURRENT").exists()  # RocksDB's; lock files only in a store
    wfd = _open_lock(folder / WRITE_LOCK, create=is_store)
    if wfd is None:
        if not is_store:
            raise StoreError(
                f"{folder}: holds no store (yet); run 'kg ingest' first or pass --store (if "
                "a kg ingest is creating it, try again in a moment)"
            )
        # a folder we cannot write to, where no kg writer has ever been
        return ox.Store.read_only(str(folder)), ReadLease(folder, None, snapshot=False)
    rfd: int | None = None
    try:
        if not _try_lock(wfd, fcntl.LOCK_SH):
            return None
        # while we hold the write lock shared no writer holds the read lock (a writer
        # takes it only while holding the write lock exclusively)
        rfd = _open_lock(folder / READ_LOCK)
        if rfd is not None and not _try_lock(rfd, fcntl.LOCK_SH):  # pragma: no cover
            _close(rfd)
            return None
    finally:
        _close(wfd)
    try:
        store = ox.Store.read_only(str(folder))
    except BaseException:
        _close(rfd)
        raise
    return store, ReadLease(folder, rfd, snapshot=False)


def _open_snapshot(folder: Path) -> tuple[ox.Store, ReadLease] | None:
    """The newest snapshot of the running writer, locked shared; None if there is none
    (yet, or any more)."""
    root = snapshot_root(folder)
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    session, _, seq = name.partition("/")
    if not session or not _SEQUENCE.match(seq) or "/" in seq or session.startswith("."):
        return None
    snap = root / session / seq
    fd = _open_lock(snap / READER_LOCK, create=False)
    if fd is None:
        return None  # collected since CURRENT was read
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits out a collection in progress
        if os.fstat(fd).st_ino != os.stat(snap / READER_LOCK).st_ino:
            raise FileNotFoundError(snap)
        if not _session_alive(root / session):
            raise FileNotFoundError(snap)  # left by a writer that ended or was killed
        store = ox.Store.read_only(str(snap))
    except FileNotFoundError:
        _close(fd)
        return None
    except BaseException:
        _close(fd)
        raise
    return store, ReadLease(snap, fd, snapshot=True)


def _session_alive(session: Path) -> bool:
    fd = _open_lock(session / SESSION_LOCK, create=False)
    if fd is None:
        return False
    try:
        return not _try_lock(fd, fcntl.LOCK_SH)
    finally:
        _close(fd)


# --------------------------------------------------------------------------- writers
class WriteLease:
    """What a writer holds on a store folder; publishes and collects snapshots."""

    def __init__(self, folder: Path, wait: float = 0.0) -> None:
        """Take the write lock (raise :class:`Locked` if another process has it), then
        wait for readers of the live folder to close it."""
        self.folder = folder
        self._wfd: int | None = None
        self._rfd: int | None = None
        self._sfd: int | None = None
        self._seq = 0
        self._session = snapshot_root(folder) / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        wfd = _open_lock(folder / WRITE_LOCK)
        if wfd is None:
            raise StoreError(f"{folder}: cannot write here (no permission to the folder)")
        self._wfd = wfd
        try:
            grace = time.monotonic() + WRITER_GRACE
            while not _try_lock(wfd, fcntl.LOCK_EX):
                if time.monotonic() >= grace:
                    raise Locked()
                time.sleep(0.01)
            self._rfd = _open_lock(folder / READ_LOCK)
            deadline = time.monotonic() + max(wait, READERS_WAIT)
            while self._rfd is not None and not _try_lock(self._rfd, fcntl.LOCK_EX):
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{folder}: another kg process has been reading the store since "
                        f"before this write began and still is (waited "
                        f"{max(wait, READERS_WAIT):g} s); let it finish, or wait longer "
                        "(--wait SECONDS)"
                    )
                time.sleep(0.05)
            self._collect_stale()
        except BaseException:
            self.release()
            raise

    def publish(self, store: ox.Store) -> Path:
        """Publish the store's committed state as the newest snapshot; collect older
        ones no reader holds."""
        if self._sfd is None:
            self._session.mkdir(parents=True, exist_ok=True)
            self._sfd = _open_lock(self._session / SESSION_LOCK)
            if self._sfd is None or not _try_lock(self._sfd, fcntl.LOCK_EX):  # pragma: no cover
                raise StoreError(f"{self._session}: cannot lock the snapshot session")
        self._seq += 1
        name = f"{self._seq:08d}"
        tmp = self._session / f"tmp-{name}"
        store.backup(str(tmp))
        (tmp / READER_LOCK).touch()
        final = self._session / name
        os.rename(tmp, final)
        root = snapshot_root(self.folder)
        pointer_tmp = root / f".{POINTER}.{self._session.name}"
        pointer_tmp.write_text(f"{self._session.name}/{name}\n", encoding="utf-8")
        os.replace(pointer_tmp, root / POINTER)
        self._collect(self._session, keep=name)
        return final

    def release(self) -> None:
        """Withdraw and collect this writer's snapshots, then let go of the folder. Call
        after the read-write store is closed."""
        if self._wfd is None:
            return
        try:
            if self._sfd is not None:
                root = snapshot_root(self.folder)
                pointer = root / POINTER
                try:
                    if pointer.read_text(encoding="utf-8").startswith(self._session.name + "/"):
                        pointer.unlink()
                except FileNotFoundError:
                    pass
                if self._collect(self._session, keep=None):
                    shutil.rmtree(self._session, ignore_errors=True)
                else:
                    # A reader holds a snapshot. Once the session lock is let go, its
                    # release removes it; one it let go of since _collect looked (its
                    # release saw this writer still alive) is removed here.
                    _close(self._sfd)
                    self._sfd = None
                    for snap in sorted(self._session.glob("[0-9]" * 8)):
                        _remove_dead(snap)
                self._collect_stale()
                try:
                    root.rmdir()  # only if empty
                except OSError:
                    pass
        finally:
            for attr in ("_sfd", "_rfd", "_wfd"):
                _close(getattr(self, attr))
                setattr(self, attr, None)

    # collection ----------------------------------------------------------
    def _collect(self, session: Path, keep: str | None) -> bool:
        """Delete the snapshots of ``session`` but ``keep`` that no reader holds; True if
        none is left."""
        left = False
        try:
            entries = sorted(session.iterdir())
        except FileNotFoundError:  # removed by the last reader of a dead session
            return True
        for entry in entries:
            if entry.name in (SESSION_LOCK, keep):
                continue
            if not entry.is_dir():
                continue
            if _SEQUENCE.match(entry.name):
                if not _remove_snapshot(entry):
                    left = True
            else:  # half made (tmp-…) or half removed (trash-…) by a killed writer
                shutil.rmtree(entry, ignore_errors=True)
        return not left and keep is None

    def _collect_stale(self) -> None:
        """Snapshots left by writers that ended without cleaning up (killed)."""
        root = snapshot_root(self.folder)
        if not root.is_dir():
            return
        pointer = root / POINTER
        try:
            session, _, _ = pointer.read_text(encoding="utf-8").partition("/")
            if session != self._session.name:
                pointer.unlink()
        except FileNotFoundError:
            pass
        for entry in sorted(root.iterdir()):
            if entry == self._session:
                continue
            if not entry.is_dir():
                if entry.name.startswith(f".{POINTER}."):
                    entry.unlink(missing_ok=True)
                continue
            fd = _open_lock(entry / SESSION_LOCK, create=False)
            try:
                if fd is not None and not _try_lock(fd, fcntl.LOCK_EX):
                    continue  # a reader is testing it right now: next time
                if self._collect(entry, keep=None):
                    shutil.rmtree(entry, ignore_errors=True)
            finally:
                _close(fd)


def _remove_dead(snap: Path) -> None:
    """Remove a snapshot of an ended writer if no reader holds it, and its session folder
    once empty (what the writer could not remove as it ended)."""
    session = snap.parent
    with contextlib.suppress(FileNotFoundError):
        if not _remove_snapshot(snap):
            return
        fd = _open_lock(session / SESSION_LOCK, create=False)
        try:
            if fd is None or not _try_lock(fd, fcntl.LOCK_EX):
                return
            if not any(_SEQUENCE.match(e.name) for e in session.iterdir()):
                shutil.rmtree(session, ignore_errors=True)
                with contextlib.suppress(OSError):
                    session.parent.rmdir()  # .snapshots, if nothing is left
        finally:
            _close(fd)


def _remove_snapshot(snap: Path) -> bool:
    """Delete ``snap`` unless a reader holds it; True if it is gone."""
    fd = _open_lock(snap / READER_LOCK, create=False)
    if fd is None:  # removed by another process just now
        return True
    try:
        if not _try_lock(fd, fcntl.LOCK_EX):
            return False
        try:
            if os.stat(snap / READER_LOCK).st_ino != os.fstat(fd).st_ino:
                return True
        except FileNotFoundError:
            return True  # another process removed it while we waited for the lock
        trash = snap.with_name(f"trash-{snap.name}")
        shutil.rmtree(trash, ignore_errors=True)  # left by a writer killed mid-way
        os.rename(snap, trash)  # out of sight at once, then deleted
        shutil.rmtree(trash, ignore_errors=True)
        return True
    finally:
        _close(fd)


class Publisher:
    """Publishes a writer's snapshot at most every ``interval`` seconds while it has new
    commits, from a background thread, so readers see a state a few seconds old whatever
    the writer is doing (writing batches or a long consolidation)."""

    def __init__(self, store: ox.Store, lease: WriteLease, interval: float | None = None) -> None:
        self._store: ox.Store | None = store
        self._lease = lease
        self._interval = PUBLISH_INTERVAL if interval is None else interval
        self._dirty = False
        self._paused = 0
        self._lock = threading.Lock()  # one snapshot at a time; pausing waits for it
        self._stop = threading.Event()
        self.error: Exception | None = None
        self.publish(force=True)  # readers have a snapshot from the start
        self._thread = threading.Thread(target=self._run, name="kg-snapshots", daemon=True)
        self._thread.start()

    def changed(self) -> None:
        """A transaction was committed."""
        self._dirty = True

    def publish(self, force: bool = False) -> None:
        with self._lock:
            if self._store is None or not (self._dirty or force):
                return
            if self._paused:
                self._dirty = True  # published when the pause ends
                return
            self._dirty = False
            try:
                self._lease.publish(self._store)
                self.error = None
            except OSError as exc:  # e.g. disk full: readers keep the older snapshot
                self._dirty = True
                self.error = exc

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """A context in which no snapshot is taken (a write made of several transactions);
        what it wrote is published at the next tick after it."""
        with self._lock:  # a snapshot being taken is finished first
            self._paused += 1
        try:
            yield
        finally:
            with self._lock:
                self._paused -= 1

    def stop(self) -> None:
        self._stop.set()
        if not sys.is_finalizing():  # at exit a daemon thread may never run again
            self._thread.join()
        with self._lock:
            self._store = None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.publish()
