"""``manage.py send_digests --preview MEMBER`` prints a member's next digest (its text part) and
records nothing; ``--now`` decides and sends the due digests in this process, batch by batch,
with a progress bar (the same services as the beat task and its workers, so it is just as safe
to run while they run)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from digests import services


class Command(BaseCommand):
    help = "Preview a member's next digest, or send the due digests now."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument(
            "--preview", metavar="MEMBER", help="a member's e-mail address or profile handle"
        )
        group.add_argument("--now", action="store_true", help="send the due digests now")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)

    def handle(self, *args, preview=None, now=False, batch_size=services.BATCH_SIZE, **options):
        if preview is not None:
            return self.preview(preview)
        return self.send_now(max(1, batch_size))

    def preview(self, who: str) -> None:
        member = (
            get_user_model()
            .objects.filter(Q(email__iexact=who.strip()) | Q(profile__handle=who.strip()))
            .first()
        )
        if member is None:
            raise CommandError(f"No member has the e-mail address or handle {who!r}.")
        try:
            contents, text = services.preview(member=member)
        except Exception as error:
            raise CommandError(str(error)) from error
        self.stdout.write(text)
        verdict = f"would be skipped: {contents.reason}" if contents.reason else "would be sent"
        self.stderr.write(
            f"{contents.item_count} item(s) for {contents.period}, since "
            f"{contents.since:%Y-%m-%d %H:%M} UTC: {verdict}."
        )

    def send_now(self, batch_size: int) -> None:
        batches = services.mark_due_queued(size=batch_size) + services.stuck_claims(size=batch_size)
        total = sum(len(batch) for batch in batches)
        sums: dict[str, int] = {}
        with tqdm(total=total, desc="digests", unit="member", disable=None) as bar:
            for batch in batches:
                try:
                    counts = services.send_batch(member_ids=batch)
                except services.TransientSendError as error:
                    counts = error.args[1]
                    self.stderr.write(f"Some digests will be tried again: {error.args[0]}.")
                for key, value in counts.items():
                    sums[key] = sums.get(key, 0) + value
                bar.update(len(batch))
        summary = ", ".join(f"{key} {value}" for key, value in sorted(sums.items()))
        self.stdout.write(self.style.SUCCESS(f"{total} due: {summary or 'nothing to do'}."))
