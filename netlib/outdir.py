"""The output folder as one transaction: all of a run's files appear together, or none do.

:class:`OutputFolder` checks the destination before any work starts, locks it against a
concurrent run, hands out a temporary sibling folder (same file system) to write into, and
on success swaps it into place: the old folder is renamed aside, the new one renamed in, the
old one deleted. On any failure the previous output stays exactly as it was and the
temporary folder is removed. So two runs never interleave their files, files of an earlier
run never linger next to a new one (a pseudonymised run cannot leave a clear report behind),
and a full disk never leaves a truncated report.

Example
-------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "results"
>>> with OutputFolder(out) as folder:
...     _ = (folder.path / "run.json").write_text("{}")
>>> sorted(p.name for p in out.iterdir())
['run.json']
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from netlib.errors import NetlibError, ParameterError

__all__ = ["OutputError", "OutputFolder", "check_output_folder", "MARKER"]

#: The file that marks a folder as netlib output (a previous run may be replaced).
MARKER = "run.json"


class OutputError(NetlibError):
    """The output folder could not be written; the previous output is unchanged."""


def _is_netlib_output(folder: Path) -> bool:
    marker = folder / MARKER
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "netlib_version" in record


def check_output_folder(out: str | os.PathLike) -> Path:
    """Check that ``out`` can receive a run's output, before any work is done.

    ``out`` may be missing (it is created), an empty folder, or a folder holding an earlier
    netlib output (one with a ``run.json`` written by netlib), which is replaced as a whole.

    Returns
    -------
    Path
        ``out`` made absolute.

    Raises
    ------
    ParameterError
        If ``out`` is a file or a symbolic link, is a folder holding anything but an earlier
        netlib output, holds the current folder, or its parent is not a writable folder.
    """
    path = Path(os.path.abspath(os.fspath(out)))
    if path == path.parent or Path.cwd().resolve().is_relative_to(path.resolve()):
        raise ParameterError(f"output folder {out}: holds the current folder (it would be "
                             "replaced as a whole; give a folder of its own)")
    if path.is_symlink():
        raise ParameterError(f"output folder {out}: is a symbolic link (give the real folder)")
    if path.exists() and not path.is_dir():
        raise ParameterError(f"output folder {out}: exists and is not a folder")
    if path.is_dir():
        try:
            entries = sorted(p.name for p in path.iterdir())
        except OSError as err:
            raise ParameterError(f"output folder {out}: cannot be read ({err.strerror})") from err
        if entries and not _is_netlib_output(path):
            shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
            raise ParameterError(
                f"output folder {out}: holds files that are not a netlib output ({shown}); "
                "give a new or empty folder, or one written by an earlier netlib run")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise ParameterError(f"output folder {out}: {parent} is not a folder")
    if parent.is_dir() and not os.access(parent, os.W_OK | os.X_OK):
        raise ParameterError(f"output folder {out}: cannot write in {parent}")
    return path


class OutputFolder:
    """Write a run's files into ``out`` as one transaction (see the module docstring).

    Use as a context manager; write into :attr:`path` (a temporary sibling of ``out``).
    Leaving the block normally swaps it into place; an exception discards it.

    Attributes
    ----------
    out : Path
        The destination (absolute).
    path : Path
        Where to write while the block runs.
    replaced : list of str
        After a successful swap: names of files of the earlier output that the new one
        does not have (they are gone now).

    Raises
    ------
    ParameterError
        On entry, if ``out`` cannot be used (see :func:`check_output_folder`).
    OutputError
        On entry, if another run holds the lock on ``out``; on exit, if an ``OSError``
        (full disk, permissions) occurred inside :meth:`writing` or during the swap.
    """

    def __init__(self, out: str | os.PathLike):
        self.out = check_output_folder(out)
        self.path: Path = self.out
        self.replaced: list[str] = []
        self._lock_fd: int | None = None
        self._lock_path = self.out.parent / f".{self.out.name}.netlib-lock"

    # -- locking ------------------------------------------------------------------------
    def _lock(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputError(f"output folder {self.out}: another netlib run is writing "
                                  f"to it (lock {self._lock_path.name} is held)") from None
            # The holder before us may have removed the lock file after we opened it.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self._lock_path))
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._lock_fd = fd
                return
            os.close(fd)

    def _unlock(self) -> None:
        if self._lock_fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self._lock_path)
        os.close(self._lock_fd)  # closing releases the flock
        self._lock_fd = None

    # -- the transaction ----------------------------------------------------------------
    def __enter__(self) -> OutputFolder:
        self._lock()
        try:
            check_output_folder(self.out)  # again, now that we hold the lock
            # Temporary folders of a run that was killed: nobody else can be using them.
            for stale in self.out.parent.glob(f".{glob.escape(self.out.name)}.netlib-new-*"):
                shutil.rmtree(stale, ignore_errors=True)
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.netlib-new-",
                                              dir=self.out.parent))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.path, 0o777 & ~umask)
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                self._commit()
        except BaseException:
            self._discard()
            raise
        finally:
            if kind is not None:
                self._discard()
            self._unlock()

    def _discard(self) -> None:
        if self.path != self.out:
            shutil.rmtree(self.path, ignore_errors=True)

    def _commit(self) -> None:
        new, old = self.path, None
        try:
            if self.out.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.netlib-old-",
                                            dir=self.out.parent))
                os.rename(self.out, old / "previous")
                old_files = {p.name for p in (old / "previous").iterdir()}
                self.replaced = sorted(old_files - {p.name for p in new.iterdir()})
            os.rename(new, self.out)
        except OSError as err:
            note = "the previous output is unchanged"
            if old is not None and (old / "previous").exists():
                try:
                    os.rename(old / "previous", self.out)
                except OSError:
                    note = f"the previous output was kept in {old / 'previous'}"
                    old = None  # keep it
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            raise OutputError(f"could not replace {self.out}: {err.strerror or err} ({note})"
                              ) from err
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self.path = self.out

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Turn an ``OSError`` raised while writing into one readable :class:`OutputError`."""
        try:
            yield
        except OSError as err:
            # A failed write() names no file; files are written one after another, so the
            # one being written is the newest in the temporary folder.
            name = err.filename if err.filename is not None else self._newest()
            if name is not None:
                try:
                    name = self.out / Path(os.fsdecode(name)).relative_to(self.path)
                except ValueError:
                    pass
            where = name if name is not None else self.out
            reason = err.strerror or os.strerror(err.errno or errno.EIO)
            raise OutputError(f"could not write {where}: {reason} "
                              f"(the previous output in {self.out} is unchanged)") from err

    def _newest(self) -> Path | None:
        try:
            files = [p for p in self.path.rglob("*") if p.is_file()]
            return max(files, key=lambda p: p.stat().st_mtime_ns) if files else None
        except OSError:
            return None

    def final(self, path: str | os.PathLike) -> Path:
        """Where a file written under :attr:`path` ends up after the swap."""
        path = Path(path)
        try:
            return self.out / path.relative_to(self.path)
        except ValueError:
            return path
