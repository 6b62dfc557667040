"""Passkeys (WebAuthn) through py_webauthn: the two ceremonies, registration and assertion.

The relying party is the site as the browser reached it: its host name (validated against
ALLOWED_HOSTS by request.get_host()) is the RP ID, and scheme plus host is the one origin
accepted. A passkey made on one host name works on that host name only; the browser enforces
it, which is what makes passkeys resist phishing.

Each ceremony's challenge waits in the session and serves once.
"""

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.models import PasskeyDevice, User

logger = logging.getLogger(__name__)

REGISTRATION_CHALLENGE_KEY = "sexto_webauthn_registration"
AUTHENTICATION_CHALLENGE_KEY = "sexto_webauthn_authentication"
# A credential in JSON is a few kilobytes at most; anything longer is not one.
MAX_CREDENTIAL_JSON = 20_000


class PasskeyError(Exception):
    """The browser's answer could not be verified (or there was no ceremony underway)."""


@dataclass(frozen=True)
class NewPasskey:
    credential_id: str  # base64url
    public_key: bytes
    sign_count: int
    transports: list[str]
    aaguid: str
    backed_up: bool


def relying_party(request: HttpRequest) -> tuple[str, str]:
    """(RP ID, expected origin) for this request."""
    origin = f"{request.scheme}://{request.get_host()}"
    return urlsplit(origin).hostname or "", origin


def _descriptors(devices) -> list[PublicKeyCredentialDescriptor]:
    known = {transport.value for transport in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(device.credential_id),
            transports=[AuthenticatorTransport(t) for t in device.transports if t in known],
        )
        for device in devices
    ]


def registration_options(request: HttpRequest, *, user: User) -> str:
    """Options for navigator.credentials.create(), as JSON; the challenge waits in the session."""
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.SEXTO_SECOND_FACTOR_ISSUER,
        user_name=user.email,
        # The account's opaque id, never its address: authenticators may show or sync it.
        user_id=user.pk.bytes,
        user_display_name=user.full_name or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(PasskeyDevice.objects.filter(user=user)),
    )
    request.session[REGISTRATION_CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def _challenge(request: HttpRequest, key: str) -> bytes:
    challenge = request.session.pop(key, None)
    if not challenge:
        raise PasskeyError("no ceremony underway")
    return base64url_to_bytes(challenge)


def _parse(credential_json: str) -> dict:
    if not credential_json or len(credential_json) > MAX_CREDENTIAL_JSON:
        raise PasskeyError("missing or oversized credential")
    try:
        parsed = json.loads(credential_json)
    except ValueError as exc:
        raise PasskeyError("credential is not JSON") from exc
    if not isinstance(parsed, dict):
        raise PasskeyError("credential is not an object")
    return parsed


def registration_verify(request: HttpRequest, *, credential_json: str) -> NewPasskey:
    """Check the browser's answer to registration_options(); PasskeyError if it does not hold."""
    challenge = _challenge(request, REGISTRATION_CHALLENGE_KEY)
    parsed = _parse(credential_json)
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        logger.info("Passkey registration refused: %s", exc)
        raise PasskeyError(str(exc)) from exc
    response = parsed.get("response") if isinstance(parsed.get("response"), dict) else {}
    transports = response.get("transports") or []
    return NewPasskey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if isinstance(t, str)][:10],
        aaguid=verified.aaguid or "",
        backed_up=verified.credential_backed_up,
    )


def authentication_options(request: HttpRequest, *, user: User) -> str:
    """Options for navigator.credentials.get(), limited to the person's own passkeys."""
    rp_id, _origin = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(PasskeyDevice.objects.filter(user=user, confirmed=True)),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION_CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authentication_verify(request: HttpRequest, *, user: User,
                          assertion_json: str) -> PasskeyDevice:
    """The person's passkey that signed this assertion; PasskeyError if none did.

    Call inside a transaction: the passkey row is locked while its counter moves.
    """
    challenge = _challenge(request, AUTHENTICATION_CHALLENGE_KEY)
    parsed = _parse(assertion_json)
    credential_id = parsed.get("rawId") or parsed.get("id")
    if not isinstance(credential_id, str):
        raise PasskeyError("no credential id")
    device = (
        PasskeyDevice.objects.select_for_update()
        .filter(user=user, confirmed=True, credential_id=credential_id)
        .first()
    )
    if device is None:
        raise PasskeyError("not one of this person's passkeys")
    rp_id, origin = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=bytes(device.public_key),
            credential_current_sign_count=device.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        logger.info("Passkey assertion refused: %s", exc)
        raise PasskeyError(str(exc)) from exc
    device.sign_count = verified.new_sign_count
    device.backed_up = verified.credential_backed_up
    device.set_last_used_timestamp(commit=False)
    device.save(update_fields=["sign_count", "backed_up", "last_used_at"])
    return device
