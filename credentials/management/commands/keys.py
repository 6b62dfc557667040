"""`sexto keys generate|rotate|list`: the issuer's signing keyring (see credentials/keys.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credentials.did import did_document, issuer_did
from credentials.keys import (
    KeyringError,
    keyring_file,
    keyring_generate,
    keyring_load,
    keyring_parse,
    keyring_rotate,
    keyring_write,
)


class Command(BaseCommand):
    help = "The issuer's signing keys: generate a keyring, rotate it, list its public keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        generate = actions.add_parser(
            "generate", help="Create a keyring (one Ed25519 and one RSA key). Without "
            "--output, print it, for a secret store or SEXTO_SIGNING_KEYS.")
        generate.add_argument("--output", "-o", help="Write it to this file (mode 600).")
        rotate = actions.add_parser(
            "rotate", help="Add a new active key of each type; the old ones keep verifying.")
        rotate.add_argument("--file", help="Keyring file (default: SEXTO_SIGNING_KEYS_FILE). "
                            "Without a file, the rotated keyring is printed.")
        actions.add_parser("list", help="The keys' public identifiers, active ones marked.")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except KeyringError as error:
            raise CommandError(error.message) from error

    def _generate(self, *, output=None, **_options):
        keyring = keyring_generate()
        if output is None:
            self.stdout.write(keyring.to_json(), ending="")
            return
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists: never overwrite a keyring (use rotate).")
        keyring_write(keyring, path)
        self.stdout.write(f"Keyring written to {path}. Set SEXTO_SIGNING_KEYS_FILE={path}; "
                          "keep it out of version control and back it up.")

    def _rotate(self, *, file=None, **_options):
        path = Path(file) if file else keyring_file()
        if path is not None:
            if not path.exists():
                raise CommandError(f"{path} does not exist: run `sexto keys generate` first.")
            rotated = keyring_rotate(keyring_parse(path.read_text(encoding="utf-8")))
            keyring_write(rotated, path)
            self.stdout.write(f"{path}: new active keys added; "
                              f"{len(rotated.keys)} keys in the keyring.")
        else:
            # The keyring comes from the environment: hand the new one to the operator.
            self.stdout.write(keyring_rotate(keyring_load()).to_json(), ending="")

    def _list(self, **_options):
        keyring = keyring_load()
        active = {keyring.active(kind).fragment for kind in ("Ed25519", "RSA")}
        self.stdout.write(f"Issuer: {issuer_did()}")
        for method in did_document(keyring)["verificationMethod"]:
            key = next(k for k in keyring.keys if method["id"].endswith("#" + k.fragment))
            marker = "active" if key.fragment in active else "verification only"
            self.stdout.write(f"{key.type}\t{key.created}\t{marker}\t{method['id']}")
