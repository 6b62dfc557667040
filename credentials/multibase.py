"""Multibase base58btc and Multikey encodings (W3C Controlled Identifiers, did:key).

Small enough to write here: base58btc is the Bitcoin alphabet, a multikey is a multicodec
varint prefix followed by the raw key bytes.
"""

from core.exceptions import ApplicationError

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}

# Multicodec prefixes (varint-encoded) of the keys we read and write.
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_SECRET_PREFIX = b"\x80\x26"


class MultibaseError(ApplicationError):
    pass


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _ALPHABET[remainder] + encoded
    # Each leading zero byte is written as the alphabet's zero, "1".
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultibaseError(f"Invalid base58 character {char!r}", code="base58")
        number = number * 58 + _INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc: the prefix "z" then base58btc."""
    return "z" + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise MultibaseError("Only base58btc multibase values (prefix z) are supported",
                             code="multibase")
    return base58btc_decode(text[1:])


def ed25519_public_multikey(raw_public_key: bytes) -> str:
    return multibase_encode(ED25519_PUBLIC_PREFIX + raw_public_key)


def ed25519_public_from_multikey(text: str) -> bytes:
    data = multibase_decode(text)
    if not data.startswith(ED25519_PUBLIC_PREFIX) or len(data) != 34:
        raise MultibaseError("Not an Ed25519 public Multikey", code="multikey")
    return data[2:]
