"""Recovery codes: ten random codes for when the phone is lost, each good once.

Stored as HMAC-SHA256 under a key derived from SECRET_KEY, never in clear. A slow
password hash is not needed: each code is 10 random characters from 31 (about 50
bits), not something a person chose, so there is no word list to try; the key keeps a
copy of the database alone from testing guesses at all; and one keyed hash finds the
matching row directly instead of running Argon2 against ten rows per attempt.
"""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, func, select, update

from ...extensions import db
from ...timeutil import utcnow
from .models import RecoveryCode

COUNT = 10
LENGTH = 10
# No 0/O, 1/I/L: nothing that reads as something else on paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SEPARATORS = str.maketrans("", "", " -\t\n")


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """ "ABCDE-FGHJK": two groups of five, for reading off paper."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def normalised(text: str | None) -> str:
    """What people type: any case, with or without the dash and spaces."""
    return (text or "").translate(SEPARATORS).upper()


def looks_like_code(text: str) -> bool:
    return len(text) == LENGTH and all(char in ALPHABET for char in text)


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"participation recovery codes", hashlib.sha256).digest()


def code_hash(code: str) -> str:
    return hmac.new(_key(), normalised(code).encode(), hashlib.sha256).hexdigest()


def replace_codes(user) -> list[str]:
    """Ten new codes for `user`, in clear for showing once; the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=code_hash(c)) for c in codes)
    db.session.flush()
    return [shown(code) for code in codes]


def remove_codes(user) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def use_code(user, text: str) -> bool:
    """Whether `text` is one of the person's unused codes; if so it is used up now. One
    UPDATE decides, so two requests with the same code cannot both get through."""
    code = normalised(text)
    if not looks_like_code(code):
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


def unused_count(user) -> int:
    query = select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query) or 0
