"""Opening an Anki package safely: find its real collection, unpack it under a size cap, refuse anything odd."""

import contextlib
import errno
import os
import tempfile
import zipfile
import zlib

from ..errors import MlsquizError

# Newest first: a modern package also holds an old-format dummy that only says "please update Anki".
COLLECTION_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
ZSTD_MEMBER = "collection.anki21b"
KNOWN_PACKAGE_VERSION = 3  # `meta`: 1 old, 2 legacy, 3 modern
MAX_COLLECTION_BYTES = 2 * 1024**3
CHUNK = 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class PackageError(MlsquizError):
    """A file that is not a readable Anki package; nothing was imported."""


def looks_like_zip(head: bytes) -> bool:
    return head[:4] in ZIP_MAGIC


def size_cap(package_bytes: int) -> int:
    """How large an unpacked collection may be: generous for real ones (SQLite compresses ~5-10x), not for bombs."""
    return min(MAX_COLLECTION_BYTES, 32 * 1024**2 + 100 * package_bytes)


@contextlib.contextmanager
def unpacked_collection(path: str):
    """Yield (temporary SQLite file, member name) of the package's real collection; removed afterwards."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as err:
        raise PackageError(f"{path}: not a readable Anki package (damaged zip: {err})") from None
    except OSError as err:
        raise PackageError(f"{path}: cannot read ({err.strerror or err})") from None
    from ..runtime.leftovers import sweep_temporary_copies, temporary_copy_prefix

    sweep_temporary_copies()  # what a killed import left
    with archive:
        member = _choose_member(path, archive)
        try:
            # The process id in the name: if this one is killed, the next run knows the copy is no one's.
            handle, unpacked = tempfile.mkstemp(prefix=temporary_copy_prefix("anki"), suffix=".sqlite")
        except OSError as err:
            _refuse_full_temporary_folder(path, err)
            raise PackageError(f"{path}: cannot make a temporary file to unpack into ({err.strerror})") from None
        try:
            try:
                with os.fdopen(handle, "wb") as target:
                    _unpack(path, archive, member, target, size_cap(os.path.getsize(path)))
            except OSError as err:  # a full disk, say
                _refuse_full_temporary_folder(path, err)
                raise PackageError(f"{path}: cannot unpack the collection ({err.strerror or err})") from None
            yield unpacked, member.filename
        finally:
            for leftover in (unpacked, unpacked + "-journal", unpacked + "-wal", unpacked + "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(leftover)


FULL_DISK = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def full_temporary_folder(path: str) -> PackageError:
    """A full $TMPDIR is no fault of the package: said as a full disk, as a merge says it."""
    return PackageError(f"not enough space in the temporary folder {tempfile.gettempdir()} ($TMPDIR) to unpack "
                        f"{path}; nothing imported")


def _refuse_full_temporary_folder(path: str, err: OSError) -> None:
    if err.errno in FULL_DISK:
        raise full_temporary_folder(path) from None


def _unsupported_member(path: str, info: zipfile.ZipInfo, err: Exception) -> PackageError:
    """An encrypted member, or one compressed with a method Python's zipfile does not read: named as such."""
    if info.flag_bits & 0x1 or "encrypted" in str(err):  # the traditional PKWARE encryption bit
        what = "it is encrypted (password-protected), which Anki never does"
    elif info.flag_bits & 0x40 or "strong encryption" in str(err):
        what = "it uses strong encryption, which Anki never does"
    elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        what = f"it uses zip compression method {info.compress_type}, which mlsquiz cannot unpack"
    else:
        what = str(err)
    return PackageError(f"{path}: unsupported package: its {info.filename!r} member cannot be read ({what})")


def _choose_member(path: str, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    names = archive.namelist()
    for name in names:
        parts = name.replace("\\", "/").split("/")
        if ".." in parts or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
            raise PackageError(f"{path}: refused: the package holds an unsafe path {name!r}")
    version = _meta_version(path, archive) if "meta" in names else None
    if version is not None and version > KNOWN_PACKAGE_VERSION:
        raise PackageError(f"{path}: written by a newer Anki (package format {version}; "
                           f"mlsquiz reads up to {KNOWN_PACKAGE_VERSION})")
    present = [name for name in COLLECTION_MEMBERS if name in names]
    if not present:
        raise PackageError(f"{path}: a zip file, but not an Anki package (no collection inside)")
    if version == KNOWN_PACKAGE_VERSION and ZSTD_MEMBER not in present:
        raise PackageError(f"{path}: a modern Anki package without its collection ({ZSTD_MEMBER})")
    return archive.getinfo(present[0])


def _meta_version(path: str, archive: zipfile.ZipFile) -> int | None:
    """`meta` is a tiny protobuf: field 1 (varint) is the package version."""
    info = archive.getinfo("meta")
    if info.file_size > 1024:
        raise PackageError(f"{path}: refused: its 'meta' member is {info.file_size} bytes (a zip bomb?)")
    from .protobuf import fields

    try:
        raw = archive.read(info)
        return next((value for number, value in fields(raw) if number == 1), None)
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise PackageError(f"{path}: damaged package ('meta' unreadable: {err})") from None
    except (RuntimeError, NotImplementedError) as err:  # encrypted, or a compression zipfile does not know
        raise _unsupported_member(path, info, err) from None


def _unpack(path: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target, cap: int) -> None:
    """Copy one member out, counting real bytes as they come: a header may lie about sizes."""
    if info.file_size > cap:
        raise PackageError(f"{path}: refused: {info.filename} would unpack to {info.file_size:,} bytes "
                           f"from a {os.path.getsize(path):,}-byte file (a zip bomb?)")
    written = 0
    try:
        with archive.open(info) as source:
            chunks = iter(lambda: source.read(CHUNK), b"")
            if info.filename == ZSTD_MEMBER:
                chunks = _zstd_chunks(path, chunks, cap)
            for chunk in chunks:
                written += len(chunk)
                if written > cap:
                    raise PackageError(f"{path}: refused: {info.filename} unpacks to more than {cap:,} bytes "
                                       "(a zip bomb?)")
                target.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise PackageError(f"{path}: damaged package ({info.filename}: {err})") from None
    except (RuntimeError, NotImplementedError) as err:  # encrypted, or a compression zipfile does not know
        raise _unsupported_member(path, info, err) from None


def _zstd_chunks(path: str, chunks, cap: int):
    """Decompress a zstd stream chunk by chunk, never producing more than the cap at once."""
    zstd = import_zstd()
    decompressor = zstd.ZstdDecompressor()
    produced = 0
    try:
        while not decompressor.eof:
            data = next(chunks, b"") if decompressor.needs_input else b""
            if not data and decompressor.needs_input:
                raise PackageError(f"{path}: damaged package ({ZSTD_MEMBER} is truncated)")
            out = decompressor.decompress(data, max_length=CHUNK)
            produced += len(out)
            if produced > cap:
                raise PackageError(f"{path}: refused: {ZSTD_MEMBER} unpacks to more than {cap:,} bytes (a zip bomb?)")
            yield out
    except zstd.ZstdError as err:
        raise PackageError(f"{path}: damaged package ({ZSTD_MEMBER}: {err})") from None


def import_zstd():
    """Python 3.14's compression.zstd, else its backport (same API); only modern packages need it."""
    try:
        from compression import zstd
    except ImportError:
        from backports import zstd
    return zstd
