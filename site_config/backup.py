"""Whole-site backups: database content and media files in one archive.

The archive is a gzip'd tar holding ``manifest.json`` (format, date, counts),
``data.json`` (``dumpdata`` of the content apps, users and groups, and the
revision history, with natural keys for content types and permissions so it
loads into any fresh installation) and ``media/`` (every uploaded file).

An archive holds password hashes, email addresses and every unpublished draft,
so it is written readable by its owner only (mode 0600). Restoring trusts
nothing in it: the whole archive is checked before anything is written (only
the models ``backup_site`` dumps, sizes capped, media paths that can be written
without touching an existing file), text is cleaned as on save, and the rows
are counted after loading, inside the transaction that a mismatch rolls back.
"""

import json
import os
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from site_config.core.text import clean_text
from site_config.models import SiteProfile
from site_config.registry import content_app_configs

FORMAT = "labsite-backup"
FORMAT_VERSION = 1
# Besides the content apps (site_config.registry): accounts and history.
ALSO_DUMPED = ["auth.user", "auth.group", "reversion"]
# Rows a fresh installation makes by itself; restore replaces or ignores them.
PLACEHOLDER_MODELS = {"site_config.siteprofile", "site_config.contentversion"}
MiB = 1024 * 1024
# Limits on what a restore reads, each overridable in settings: far above what
# a group's site holds (the demo's data.json is 200 KB, uploads are capped at
# 30 MB), far below what would exhaust the machine.
LIMITS = {
    "BACKUP_MAX_DATA_BYTES": 512 * MiB,
    "BACKUP_MAX_FILE_BYTES": 64 * MiB,
    "BACKUP_MAX_TOTAL_BYTES": 8 * 1024 * MiB,
    "BACKUP_MAX_FILES": 200_000,
}
MAX_MANIFEST_BYTES = MiB


class BackupError(Exception):
    """A backup could not be written or read; the message says why."""


@dataclass
class BackupReport:
    action: str  # "write" or "restore"
    path: Path
    objects: dict = field(default_factory=dict)
    media_files: int = 0
    dry_run: bool = False
    # (model label, primary key, field name) of text that was cleaned on restore.
    cleaned: list = field(default_factory=list)

    def summary(self):
        done = {"write": "Wrote", "restore": "Restored"}[self.action]
        verb = f"Would {self.action}" if self.dry_run else done
        rows = sum(self.objects.values())
        details = ", ".join(f"{n} {label}" for label, n in sorted(self.objects.items()))
        text = (
            f"{verb} {self.path}: {rows} database rows ({details or 'none'}) "
            f"and {self.media_files} media files."
        )
        if self.cleaned:
            named = "; ".join(
                f"{label} {pk} {name}" for label, pk, name in self.cleaned[:10]
            )
            more = (
                f" and {len(self.cleaned) - 10} more" if len(self.cleaned) > 10 else ""
            )
            text += (
                f" Removed characters XML cannot hold (such as NUL) from "
                f"{len(self.cleaned)} text fields: {named}{more}."
            )
        return text


def dumped_labels():
    """What backup_site dumps: the content apps, users, groups, revisions."""
    return [config.label for config in content_app_configs()] + ALSO_DUMPED


def _dumped_models():
    for label in dumped_labels():
        if "." in label:
            yield apps.get_model(label)
        else:
            yield from apps.get_app_config(label).get_models()


def _model_counts(using=DEFAULT_DB_ALIAS):
    return {
        model._meta.label: model._default_manager.using(using).count()
        for model in _dumped_models()
    }


def _media_files(media_root):
    if not media_root.is_dir():
        return []
    return sorted(
        p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()
    )


def _limit(name):
    return getattr(settings, name, LIMITS[name])


def backup_site(*, path, dry_run=False, using=DEFAULT_DB_ALIAS):
    """Write the site's database content and media into one archive at path.

    The file is created with mode 0600 (owner read and write only) and appears
    under its name only once complete. Returns a BackupReport; raises
    BackupError when the folder does not exist.
    """
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    files = _media_files(media_root)
    report = BackupReport(
        action="write", path=path, media_files=len(files), dry_run=dry_run
    )
    if not path.parent.is_dir():
        raise BackupError(f"Folder {path.parent} does not exist.")
    with transaction.atomic(using=using):
        # One transaction: counts and dump see the same snapshot.
        report.objects = _model_counts(using)
        if dry_run:
            return report
        with tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch) / "data.json"
            call_command(
                "dumpdata",
                *dumped_labels(),
                use_natural_foreign_keys=True,
                database=using,
                output=str(data),
                verbosity=0,
            )
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created": timezone.now().isoformat(),
                "django": django.get_version(),
                "objects": report.objects,
                "media_files": len(files),
            }
            partial = path.with_name(path.name + ".partial")
            # Owner-only from the first byte: the archive holds password hashes
            # and emails, and a umask of 022 would make it world-readable.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2))
                archive.add(data, arcname="data.json")
                for file in files:
                    relative = file.relative_to(media_root).as_posix()
                    archive.add(file, arcname=f"media/{relative}")
            # Never leave a half-written archive under the name asked for.
            partial.replace(path)
    return report


def _add_bytes(archive, name, text):
    payload = text.encode()
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, BytesIO(payload))


@dataclass
class _Checked:
    """What restore_site found in an archive once every check has passed."""

    manifest: dict
    objects: list  # the cleaned dumpdata objects
    counts: Counter  # model label (lower case) -> rows in data.json
    media: list  # (tar member, relative PurePosixPath)
    cleaned: list


def restore_site(*, path, dry_run=False, using=DEFAULT_DB_ALIAS):
    """Load an archive from backup_site into an empty installation.

    Checks the whole archive first and writes nothing unless every check
    passes: members (manifest, data, media files only; each and all together
    within the size limits; media paths safe and not clashing with each other
    or with files already in MEDIA_ROOT), the data (valid JSON holding only the
    models ``backup_site`` dumps, as many rows of each as the manifest says,
    text cleaned as ``clean_text`` does on save) and the database (empty).
    Then loads the rows in one transaction, counts them, and rolls back on any
    difference; with dry_run the loaded rows are always rolled back and no
    file is written. Returns a BackupReport of the rows loaded; raises
    BackupError with a message naming the member, model or object at fault.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    try:
        archive = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{path} is not a readable .tar.gz archive.") from None
    with archive:
        try:
            checked = _check_archive(archive, path)
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{path} is damaged: {error}") from None
        _check_empty(using)
        media_root = Path(settings.MEDIA_ROOT)
        _check_media_targets(checked.media, media_root, path)
        report = BackupReport(
            action="restore",
            path=path,
            media_files=len(checked.media),
            dry_run=dry_run,
            cleaned=checked.cleaned,
        )
        with tempfile.TemporaryDirectory() as scratch:
            fixture = Path(scratch) / "data.json"
            fixture.write_text(json.dumps(checked.objects), encoding="utf-8")
            checked.objects = None  # the file holds them now
            with transaction.atomic(using=using):
                _clear_placeholder_rows(using)
                if sum(checked.counts.values()):
                    _load(fixture, using)
                report.objects = _loaded_counts(checked.counts, using)
                if dry_run:
                    transaction.set_rollback(True, using=using)
                    return report
                _write_media(archive, checked.media, media_root)
    return report


def _check_archive(archive, path):
    limits = {name: _limit(name) for name in LIMITS}
    seen = set()
    total = 0
    manifest_member = data_member = None
    media = []
    for member in archive:
        name = member.name
        if name in seen:
            raise BackupError(f"{path} holds {name} twice.")
        seen.add(name)
        total += max(member.size, 0)
        if total > limits["BACKUP_MAX_TOTAL_BYTES"]:
            raise BackupError(
                f"{path} unpacks to more than "
                f"{_size(limits['BACKUP_MAX_TOTAL_BYTES'])} "
                "(BACKUP_MAX_TOTAL_BYTES); not restored."
            )
        if name == "manifest.json" and member.isfile():
            _check_size(member, MAX_MANIFEST_BYTES, path, "")
            manifest_member = member
        elif name == "data.json" and member.isfile():
            _check_size(member, limits["BACKUP_MAX_DATA_BYTES"], path, "DATA")
            data_member = member
        elif name == "media" or name.startswith("media/"):
            relative = _media_path(member, path)
            if relative is not None:
                _check_size(member, limits["BACKUP_MAX_FILE_BYTES"], path, "FILE")
                media.append((member, relative))
                if len(media) > limits["BACKUP_MAX_FILES"]:
                    raise BackupError(
                        f"{path} holds more than {limits['BACKUP_MAX_FILES']} media "
                        "files (BACKUP_MAX_FILES); not restored."
                    )
        else:
            raise BackupError(
                f"{path} holds an unexpected entry: {name} (a labsite backup has "
                "manifest.json, data.json and media/ only)."
            )
    if manifest_member is None:
        raise BackupError(f"{path} is not a labsite backup (no manifest).")
    if data_member is None:
        raise BackupError(f"{path} has no data.json.")
    _check_media_clashes(media, path)
    manifest = _read_manifest(archive.extractfile(manifest_member).read(), path)
    raw = archive.extractfile(data_member).read()
    objects, counts, cleaned = _read_data(raw, path)
    del raw
    _compare_counts(manifest, counts, path)
    if manifest.get("media_files", len(media)) != len(media):
        raise BackupError(
            f"{path}: the manifest lists {manifest.get('media_files')} media files "
            f"but the archive holds {len(media)}; not restored."
        )
    return _Checked(manifest, objects, counts, media, cleaned)


def _check_size(member, limit, path, setting):
    if member.size > limit:
        name = f" (BACKUP_MAX_{setting}_BYTES)" if setting else ""
        raise BackupError(
            f"{path}: {member.name} is {_size(member.size)}, over the "
            f"{_size(limit)} limit{name}; not restored."
        )


def _size(n):
    return filesizeformat(n).replace("\xa0", " ")


def _media_path(member, path):
    """The path under MEDIA_ROOT of a media member; None for a folder."""
    relative = PurePosixPath(member.name).relative_to("media")
    if member.isdir():
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"{path} holds an unsafe entry: {member.name}")
        return None
    if (
        not member.isfile()
        or relative.is_absolute()
        or ".." in relative.parts
        or not relative.parts
        or any(part in {"", "."} for part in relative.parts)
        or "\x00" in member.name
    ):
        raise BackupError(f"{path} holds an unsafe entry: {member.name}")
    return relative


def _check_media_clashes(media, path):
    # "media/a" as a file and "media/a/b" would need "a" to be both.
    files = {relative for _member, relative in media}
    for relative in files:
        for parent in relative.parents:
            if parent in files:
                raise BackupError(
                    f"{path} holds media/{parent} as a file and also "
                    f"media/{relative} beneath it; not restored."
                )


def _check_media_targets(media, media_root, path):
    existing = []
    for _member, relative in media:
        target = media_root.joinpath(*relative.parts)
        if target.exists() or target.is_symlink():
            existing.append(relative.as_posix())
            continue
        for parent in target.parents:
            if parent == media_root or not parent.is_relative_to(media_root):
                break
            if parent.exists() and not parent.is_dir():
                existing.append(parent.relative_to(media_root).as_posix())
                break
    if existing:
        listed = ", ".join(existing[:5]) + (" ..." if len(existing) > 5 else "")
        raise BackupError(
            f"{len(existing)} media files of {path} already exist in "
            f"{media_root} ({listed}); restore never overwrites files. Restore "
            "into an empty media folder."
        )


def _read_manifest(raw, path):
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError(f"{path} is not a labsite backup (no manifest).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a labsite backup.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is backup format {manifest.get('version')}; this labsite "
            f"reads format {FORMAT_VERSION}."
        )
    if not isinstance(manifest.get("objects", {}), dict):
        raise BackupError(f"{path}: the manifest's object counts are unreadable.")
    return manifest


def _read_data(raw, path):
    """(objects, rows per model label, cleaned fields) from data.json's bytes."""
    try:
        objects = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise BackupError(f"{path}: data.json is not valid JSON ({error}).") from None
    if not isinstance(objects, list):
        raise BackupError(f"{path}: data.json is not a list of objects.")
    allowed = {model._meta.label_lower for model in _dumped_models()}
    counts = Counter()
    cleaned = []
    for index, obj in enumerate(objects):
        if (
            not isinstance(obj, dict)
            or not isinstance(obj.get("model"), str)
            or not isinstance(obj.get("fields"), dict)
        ):
            raise BackupError(
                f"{path}: object {index + 1} of data.json is not a dumped row."
            )
        label = obj["model"].lower()
        if label not in allowed:
            raise BackupError(
                f"{path}: data.json holds a {obj['model']} row (object {index + 1}), "
                "which backup_site never writes; not restored."
            )
        counts[label] += 1
        for name, value in obj["fields"].items():
            clean = _cleaned_value(value)
            if clean != value:
                obj["fields"][name] = clean
                cleaned.append((label, obj.get("pk"), name))
    return objects, counts, cleaned


def _cleaned_value(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned_value(item) for item in value]
    return value


def _compare_counts(manifest, counts, path):
    listed = {label.lower(): n for label, n in manifest.get("objects", {}).items()}
    for label in sorted(set(listed) | set(counts)):
        if label in PLACEHOLDER_MODELS:
            continue
        if listed.get(label, 0) != counts.get(label, 0):
            raise BackupError(
                f"{path}: the manifest lists {listed.get(label, 0)} {label} rows "
                f"but data.json holds {counts.get(label, 0)}; not restored."
            )


def existing_content(using=DEFAULT_DB_ALIAS):
    """Rows already present in the content apps and users, by model label."""
    counts = _model_counts(using)
    return {label: n for label, n in counts.items() if n}


def _check_empty(using):
    present = {
        label: n
        for label, n in existing_content(using).items()
        if label.lower() not in PLACEHOLDER_MODELS
    }
    if present:
        listed = ", ".join(f"{n} {label}" for label, n in sorted(present.items()))
        raise BackupError(
            "Restore needs an empty installation, but this database already "
            f"holds {listed}. Point DATABASE_URL at a new database and run "
            "migrate first."
        )


def _clear_placeholder_rows(using):
    # A fresh site creates its default profile on the first page view; the
    # backup's own profile replaces it.
    SiteProfile.objects.using(using).all().delete()


def _load(fixture, using):
    try:
        call_command("loaddata", str(fixture), database=using, verbosity=0)
    except Exception as error:
        # loaddata wraps what went wrong with the object it was loading; the
        # transaction around it rolls every row back.
        raise BackupError(f"The data could not be loaded: {error}") from None


def _loaded_counts(expected, using):
    loaded = {}
    for model in _dumped_models():
        label = model._meta.label_lower
        found = model._default_manager.using(using).count()
        if label not in PLACEHOLDER_MODELS and found != expected.get(label, 0):
            raise BackupError(
                f"Loading gave {found} {model._meta.label} rows where the archive "
                f"holds {expected.get(label, 0)}; nothing was restored."
            )
        if found:
            loaded[model._meta.label] = found
    return loaded


def _write_media(archive, media, media_root):
    written = []
    try:
        for member, relative in media:
            target = media_root.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            # "x": never replace a file that appeared since the check.
            with target.open("xb") as out:
                written.append(target)
                while chunk := source.read(MiB):
                    out.write(chunk)
    except (OSError, tarfile.TarError) as error:
        for target in written:
            target.unlink(missing_ok=True)
        raise BackupError(
            f"Writing media file {target} failed ({error}); nothing was restored."
        ) from None
