"""Whole-site backups: database content and media files in one archive.

The archive is a gzip'd tar holding ``manifest.json`` (format, date, counts),
``data.json`` (``dumpdata`` of the content apps, users and groups, and the
revision history, with natural keys for content types and permissions so it
loads into any fresh installation) and ``media/`` (every uploaded file).
"""

import json
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from site_config.models import SiteProfile

FORMAT = "labsite-backup"
FORMAT_VERSION = 1
CONTENT_APPS = ["people", "research", "publications", "site_config"]
DUMPED = [*CONTENT_APPS, "auth.user", "auth.group", "reversion"]


class BackupError(Exception):
    """A backup could not be written or read; the message says why."""


@dataclass
class BackupReport:
    action: str  # "write" or "restore"
    path: Path
    objects: dict = field(default_factory=dict)
    media_files: int = 0
    dry_run: bool = False

    def summary(self):
        done = {"write": "Wrote", "restore": "Restored"}[self.action]
        verb = f"Would {self.action}" if self.dry_run else done
        rows = sum(self.objects.values())
        details = ", ".join(f"{n} {label}" for label, n in sorted(self.objects.items()))
        return (
            f"{verb} {self.path}: {rows} database rows ({details or 'none'}) "
            f"and {self.media_files} media files."
        )


def _model_counts():
    counts = {}
    for label in DUMPED:
        if "." in label:
            models = [apps.get_model(label)]
        else:
            models = apps.get_app_config(label).get_models()
        for model in models:
            counts[model._meta.label] = model._default_manager.count()
    return counts


def _media_files(media_root):
    if not media_root.is_dir():
        return []
    return sorted(
        p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()
    )


def backup_site(*, path, dry_run=False, using=DEFAULT_DB_ALIAS):
    """Write the site's database content and media into one archive at path."""
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
        report.objects = _model_counts()
        if dry_run:
            return report
        with tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch) / "data.json"
            call_command(
                "dumpdata",
                *DUMPED,
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
            with tarfile.open(partial, "w:gz") as archive:
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


def _read_manifest(archive, path):
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, AttributeError, ValueError):
        raise BackupError(f"{path} is not a labsite backup (no manifest).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a labsite backup.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is backup format {manifest.get('version')}; this labsite "
            f"reads format {FORMAT_VERSION}."
        )
    return manifest


def _media_members(archive, path):
    members = []
    for member in archive.getmembers():
        if not member.name.startswith("media/"):
            continue
        relative = PurePosixPath(member.name).relative_to("media")
        if member.isdir():
            continue
        if (
            not member.isfile()
            or relative.is_absolute()
            or ".." in relative.parts
            or not relative.parts
        ):
            raise BackupError(f"{path} holds an unsafe entry: {member.name}")
        members.append((member, relative))
    return members


def existing_content():
    """Rows already present in the content apps and users, by model label."""
    counts = _model_counts()
    return {label: n for label, n in counts.items() if n}


def restore_site(*, path, dry_run=False, using=DEFAULT_DB_ALIAS):
    """Load an archive from backup_site into an empty installation."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    try:
        archive = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError):
        raise BackupError(f"{path} is not a readable .tar.gz archive.") from None
    with archive:
        manifest = _read_manifest(archive, path)
        members = _media_members(archive, path)
        report = BackupReport(
            action="restore",
            path=path,
            objects=manifest.get("objects", {}),
            media_files=len(members),
            dry_run=dry_run,
        )
        present = existing_content()
        # Site profile and content-version rows appear on first page view.
        present = {
            label: n
            for label, n in present.items()
            if label not in {"site_config.SiteProfile", "site_config.ContentVersion"}
        }
        if present:
            listed = ", ".join(f"{n} {label}" for label, n in sorted(present.items()))
            raise BackupError(
                "Restore needs an empty installation, but this database already "
                f"holds {listed}. Point DATABASE_URL at a new database and run "
                "migrate first."
            )
        if dry_run:
            return report
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as scratch:
            try:
                data = archive.extractfile("data.json")
            except KeyError:
                data = None
            if data is None:
                raise BackupError(f"{path} has no data.json.")
            fixture = Path(scratch) / "data.json"
            fixture.write_bytes(data.read())
            with transaction.atomic(using=using):
                _clear_placeholder_rows(using)
                call_command("loaddata", str(fixture), database=using, verbosity=0)
                for member, relative in members:
                    target = media_root.joinpath(*relative.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = archive.extractfile(member)
                    with target.open("wb") as out:
                        while chunk := source.read(1024 * 1024):
                            out.write(chunk)
    return report


def _clear_placeholder_rows(using):
    # A fresh site creates its default profile on the first page view; the
    # backup's own profile replaces it.
    SiteProfile.objects.using(using).all().delete()
