"""``manage.py backup FOLDER``: the database and the uploaded files, into a new folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, back_up


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder (see README)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new or empty folder")

    def handle(self, *args, folder: Path, **options):
        try:
            manifest = back_up(folder, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"backed up to {folder} at {manifest['created_at']}"))
