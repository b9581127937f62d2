"""The media storage (clinic/storage.py): a stored file appears under its name only once complete, and a write
that fails (a full disk) leaves nothing behind, neither the final name nor its temporary file."""

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages

from clinic import storage as clinic_storage
from clinic.storage import AtomicFileSystemStorage

DATA = b"%PDF-1.7\n" + b"x" * 200_000 + b"\n%%EOF\n"


def files_under(root: Path) -> dict[str, bytes]:
    """Every file under `root` (temporary ones included), by path relative to it."""
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def storage(tmp_path):
    return AtomicFileSystemStorage(location=tmp_path / "media")


class SlowContent(File):
    """Content written in pieces; `during` is called before each piece, while the storage is writing."""

    def __init__(self, pieces: list[bytes], during):
        super().__init__(None, name="handout.pdf")
        self.pieces = pieces
        self.during = during
        self.size = sum(len(piece) for piece in pieces)

    def chunks(self, chunk_size=None):
        for piece in self.pieces:
            self.during()
            yield piece


def test_the_default_storage_is_the_atomic_one():
    assert type(storages["default"]) is AtomicFileSystemStorage


def test_a_successful_save_leaves_exactly_the_final_file(storage):
    name = storage.save("handouts/v1/abc.pdf", ContentFile(DATA))
    assert name == "handouts/v1/abc.pdf"
    assert files_under(Path(storage.location)) == {"handouts/v1/abc.pdf": DATA}
    with storage.open(name) as stored:
        assert stored.read() == DATA


def test_an_existing_file_is_never_overwritten(storage):
    """Django's semantics: a name already taken gets another one (get_available_name)."""
    first = storage.save("clinic-logos/logo.png", ContentFile(b"first"))
    second = storage.save("clinic-logos/logo.png", ContentFile(b"second"))
    assert first == "clinic-logos/logo.png" and second != first and second.startswith("clinic-logos/logo_")
    assert files_under(Path(storage.location)) == {first: b"first", second: b"second"}


def test_text_content_is_written_as_text(storage):
    name = storage.save("notes/readme.txt", ContentFile("plain text"))
    assert files_under(Path(storage.location)) == {name: b"plain text"}


def test_empty_content_gives_an_empty_file(storage):
    """An empty file that was meant to be empty is not a partial one."""
    name = storage.save("empty.txt", ContentFile(b""))
    assert files_under(Path(storage.location)) == {name: b""}


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
def test_a_write_that_fails_partway_leaves_no_file(storage, media_disk, code):
    storage.save("handouts/v1/kept.pdf", ContentFile(DATA))
    media_disk.fail_with = code
    with pytest.raises(OSError) as error:
        storage.save("handouts/v1/abc.pdf", ContentFile(DATA))
    assert error.value.errno == code
    assert files_under(Path(storage.location)) == {"handouts/v1/kept.pdf": DATA}


@pytest.mark.parametrize("failing", ["fsync", "link"])
def test_a_failure_after_the_content_is_written_leaves_no_file(storage, monkeypatch, failing):
    """A full disk may only show when the data is flushed (delayed allocation), or when the directory needs
    another block for the new name."""

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(clinic_storage.os, failing, full)
    with pytest.raises(OSError, match="No space left on device"):
        storage.save("handouts/v1/abc.pdf", ContentFile(DATA))
    assert files_under(Path(storage.location)) == {}


def test_a_reader_never_sees_a_partial_file(storage):
    """While the content is being written, the final name does not exist: it appears only complete."""
    final = Path(storage.location, "handouts", "v1", "abc.pdf")
    seen = []

    def look():
        seen.append((final.exists(), sorted(files_under(Path(storage.location)))))

    pieces = [DATA[:1000], DATA[1000:50_000], DATA[50_000:]]
    name = storage.save("handouts/v1/abc.pdf", SlowContent(pieces, during=look))
    assert name == "handouts/v1/abc.pdf"
    assert len(seen) == 3
    for index, (final_exists, names) in enumerate(seen):
        assert not final_exists
        if index:  # from the second piece on, the content so far is in one temporary file nobody asks for
            assert len(names) == 1 and Path(names[0]).name.startswith(clinic_storage.TEMPORARY_PREFIX)
    assert final.read_bytes() == DATA
    assert files_under(Path(storage.location)) == {name: DATA}


def test_a_reader_thread_only_ever_reads_the_whole_file(storage):
    """A reader polling the final name from another thread, while the file is written slowly, either finds
    nothing or finds every byte."""
    import threading

    final = Path(storage.location, "handouts", "v1", "abc.pdf")
    reads = []
    writing = threading.Event()
    read_once = threading.Event()
    done = threading.Event()

    def reader():
        while not done.is_set():
            try:
                reads.append(final.read_bytes())
            except FileNotFoundError:
                reads.append(None)
            if writing.is_set():
                read_once.set()
        reads.append(final.read_bytes())

    def during():
        writing.set()
        assert read_once.wait(5)
        read_once.clear()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        storage.save("handouts/v1/abc.pdf", SlowContent([DATA[:10], DATA[10:100_000], DATA[100_000:]], during))
    finally:
        done.set()
        thread.join(5)
    assert reads[-1] == DATA
    assert {read for read in reads if read is not None} == {DATA}
    assert None in reads  # it did look while the file was being written


def test_a_name_taken_while_writing_is_kept_and_another_name_chosen(storage):
    """Another process stores a file under the same name while this one writes: neither is overwritten."""
    other = Path(storage.location, "handouts", "v1", "abc.pdf")

    def another_process_stores_it():
        if not other.exists():
            other.write_bytes(b"the other process's handout")

    name = storage.save("handouts/v1/abc.pdf", SlowContent([DATA], during=another_process_stores_it))
    assert name != "handouts/v1/abc.pdf" and name.startswith("handouts/v1/abc_")
    assert files_under(Path(storage.location)) == {
        "handouts/v1/abc.pdf": b"the other process's handout",
        name: DATA,
    }


def test_with_overwriting_allowed_a_failed_write_keeps_the_old_file(tmp_path, media_disk):
    storage = AtomicFileSystemStorage(location=tmp_path / "media", allow_overwrite=True)
    storage.save("clinic-logos/logo.png", ContentFile(b"old logo"))
    assert storage.save("clinic-logos/logo.png", ContentFile(b"new logo")) == "clinic-logos/logo.png"
    media_disk.fail_with = errno.ENOSPC
    with pytest.raises(OSError):
        storage.save("clinic-logos/logo.png", ContentFile(b"newest logo"))
    assert files_under(Path(storage.location)) == {"clinic-logos/logo.png": b"new logo"}


@pytest.mark.parametrize("mode", [0o640, 0o604])
def test_files_get_the_configured_permissions(settings, tmp_path, mode):
    settings.FILE_UPLOAD_PERMISSIONS = mode
    storage = AtomicFileSystemStorage(location=tmp_path / "media")
    name = storage.save("clinic-logos/logo.png", ContentFile(b"logo"))
    assert Path(storage.path(name)).stat().st_mode & 0o777 == mode


def test_without_configured_permissions_the_umask_applies_as_in_django(settings, tmp_path):
    settings.FILE_UPLOAD_PERMISSIONS = None
    settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
    old_umask = os.umask(0o027)
    try:
        storage = AtomicFileSystemStorage(location=tmp_path / "media")
        name = storage.save("clinic-logos/logo.png", ContentFile(b"logo"))
    finally:
        os.umask(old_umask)
    assert Path(storage.path(name)).stat().st_mode & 0o777 == 0o640  # 0o666 less the umask, not mkstemp's 0o600
    assert Path(storage.path("clinic-logos")).stat().st_mode & 0o777 == 0o750


# --- a really full disk -----------------------------------------------------------------------------------

FULL_DISK_SCRIPT = textwrap.dedent(
    """
    import errno, json, os, sys
    import django
    from django.conf import settings

    settings.configure()
    django.setup()
    from django.core.files.base import ContentFile
    from clinic.storage import AtomicFileSystemStorage

    root = sys.argv[1]
    storage = AtomicFileSystemStorage(location=root)
    result = {"small": storage.save("handouts/v1/small.pdf", ContentFile(b"%PDF-small %%EOF"))}
    try:
        storage.save("handouts/v1/big.pdf", ContentFile(b"x" * 400_000))
    except OSError as error:
        result["error"] = errno.errorcode.get(error.errno)
    result["files"] = {
        os.path.relpath(os.path.join(folder, name), root): os.path.getsize(os.path.join(folder, name))
        for folder, _dirs, names in os.walk(root)
        for name in names
    }
    print(json.dumps(result))
    """
)


def test_a_real_full_disk_leaves_no_file(tmp_path):
    """On a 128 KB tmpfs (mounted in a private mount namespace with `unshare`), a 400 KB file fails with
    ENOSPC and leaves nothing; the file stored before it is untouched."""
    import json

    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed: cannot mount a small tmpfs")
    mountpoint = tmp_path / "tiny-disk"
    mountpoint.mkdir()
    script = tmp_path / "full_disk.py"
    script.write_text(FULL_DISK_SCRIPT)
    command = [
        unshare, "--user", "--map-root-user", "--mount", "sh", "-c",
        'mount -t tmpfs -o size=128k tmpfs "$1" || exit 77; exec "$2" "$3" "$1"',
        "sh", str(mountpoint), sys.executable, str(script),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, check=False)  # noqa: S603
    if process.returncode == 77 or "Operation not permitted" in process.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {process.stderr.strip()[:200]}")
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout)
    assert result["error"] == "ENOSPC"
    assert result["files"] == {"handouts/v1/small.pdf": len(b"%PDF-small %%EOF")}
