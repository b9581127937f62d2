"""Media storage on the local disk that never leaves a partial file where a reader looks.

Django's FileSystemStorage writes straight into the final name, so a write that fails partway (the disk is
full, an I/O error) leaves an empty or cut-short file behind: a stored handout that is not a whole PDF, a
clinic logo that is half an image. AtomicFileSystemStorage writes into a temporary file in the same folder
(named `.tmp-<random>`, a name nothing in the app asks for), flushes it to the disk, and only then gives it
its final name in one step. On any error the temporary file is deleted and the error raised again, so the
final name either does not exist or holds the whole file.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STORAGE_FULL = _("The file could not be saved: the server's storage is full. Nothing was changed.")
STORAGE_REFUSED = _("The file could not be saved: the server's storage did not accept it. Nothing was changed.")


def _storage_errors() -> tuple[type[Exception], ...]:
    errors: list[type[Exception]] = [OSError]  # the local disk (full, read-only, I/O error)
    try:  # S3 (django-storages): botocore's own errors, which are not OSErrors
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - botocore is in requirements.txt
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


# What saving to the media storage raises when the storage itself fails, whichever storage is configured.
STORAGE_ERRORS = _storage_errors()


def storage_failure_message(error: Exception):
    """What to tell the person whose file could not be stored (never the file's content)."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return STORAGE_FULL
    return STORAGE_REFUSED


TEMPORARY_PREFIX = ".tmp-"

# A filesystem without hard links answers one of these to os.link; the name is then published with
# os.replace after checking it is free (the only step that is not atomic against a concurrent writer).
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV, errno.EMLINK}


@deconstructible(path="clinic.storage.AtomicFileSystemStorage")
class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose saved files appear under their final name only once complete.

    Everything else is Django's: names come from get_available_name (an existing file is never overwritten
    unless the storage allows it), directories and files get FILE_UPLOAD_DIRECTORY_PERMISSIONS and
    FILE_UPLOAD_PERMISSIONS (without them, the process umask as usual), and the file takes the storage root's
    group.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._make_directory(directory)
        temporary = self._write_temporary(directory, content)
        try:
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            self._ensure_location_group_id(temporary)
            while True:
                try:
                    self._publish(temporary, full_path)
                except FileExistsError:
                    # Another writer took the name since get_available_name chose it: choose again.
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                else:
                    break
        finally:
            # After os.link this is the spare name; after a failure, the partial copy. After os.replace the
            # temporary name is already gone.
            self._remove_temporary(temporary)
        # Ensure the saved path is always relative to the storage root, with forward slashes (as Django).
        return os.path.relpath(full_path, self.location).replace("\\", "/")

    def _make_directory(self, directory: str) -> None:
        """Create any intermediate directories that do not exist (Django's code)."""
        try:
            if self.directory_permissions_mode is not None:
                safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            else:
                os.makedirs(directory, exist_ok=True)
        except FileExistsError:
            raise FileExistsError(f"{directory} exists and is not a directory.") from None

    def _write_temporary(self, directory: str, content) -> str:
        """Write `content` to a new temporary file in `directory`, flushed to the disk; returns its path. On any
        error the temporary file is deleted and the error raised."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        while True:
            temporary = os.path.join(directory, TEMPORARY_PREFIX + secrets.token_hex(8))
            try:
                fd = os.open(temporary, flags, 0o666)  # the umask applies, as for Django's own files
            except FileExistsError:
                continue
            break
        file = None
        try:
            try:
                for chunk in content.chunks():
                    if file is None:
                        # Text content is written in text mode, as FileSystemStorage does.
                        file = os.fdopen(fd, "wb" if isinstance(chunk, bytes) else "wt")
                    file.write(chunk)
                if file is not None:
                    file.flush()
                # Without this, a crash or power cut soon after the rename can leave the final name holding
                # an empty file on some filesystems (delayed allocation).
                os.fsync(fd)
            finally:
                if file is not None:
                    file.close()  # a flush that fails here (ENOSPC) is raised too
                else:
                    os.close(fd)
        except BaseException:
            self._remove_temporary(temporary)
            raise
        return temporary

    def _publish(self, temporary: str, full_path: str) -> None:
        """Give the complete temporary file its final name in one step. FileExistsError if the name is taken
        (unless the storage allows overwriting)."""
        if self._allow_overwrite:
            os.replace(temporary, full_path)
            return
        try:
            os.link(temporary, full_path)  # atomic, and never replaces an existing file (unlike os.replace)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            if os.path.lexists(full_path):
                raise FileExistsError(full_path) from error
            os.replace(temporary, full_path)

    @staticmethod
    def _remove_temporary(temporary: str) -> None:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        except OSError:
            logger.warning("Could not delete the temporary file %s", temporary, exc_info=True)
