from django.core.management.base import BaseCommand, CommandError

from audit.services import Checkpoint, audit_chain_verify


def checkpoint(text: str) -> Checkpoint:
    # Named for argparse, which says "invalid checkpoint value" when this raises ValueError.
    return Checkpoint.parse(text)


class Command(BaseCommand):
    help = (
        "Audit log tools: `sexto audit verify` checks the whole hash chain; `sexto audit "
        "checkpoint` prints the chain's head, to keep outside this server and give back to "
        "`verify --checkpoint` later."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser(
            "verify",
            help="Check every entry; exit 1 naming the first entry that does not verify.",
            description="Check every entry of the audit log against the key and the entry "
            "before it. Exit 0 when the chain is intact, 1 naming the first bad entry.",
        )
        verify.add_argument(
            "--checkpoint", type=checkpoint, metavar="HEAD",
            help="A head printed earlier by `sexto audit checkpoint` (SEQUENCE:DIGEST). The "
            "log must still reach it with the same digest: this catches the last entries "
            "removed, even with the chain head row rewritten to match.",
        )
        actions.add_parser(
            "checkpoint",
            help="Verify the chain, then print its head as SEQUENCE:DIGEST to keep elsewhere.",
            description="Verify the whole chain, then print its head (sequence and digest) as "
            "one token. Keep it outside this server (another system, paper); give it back to "
            "`sexto audit verify --checkpoint` to prove that no entry up to it was removed "
            "or rewritten since.",
        )

    def handle(self, *args, action, checkpoint=None, **options):
        report = audit_chain_verify(checkpoint=checkpoint)
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at entry #{report.broken_at}: {report.reason} "
                f"({report.checked} entries verified before it)."
            )
        if action == "checkpoint":
            self.stdout.write(str(report.head))
            return
        matched = f" Checkpoint #{checkpoint.sequence} matches." if checkpoint else ""
        self.stdout.write(f"Audit chain intact: {report.checked} entries verified.{matched}")
