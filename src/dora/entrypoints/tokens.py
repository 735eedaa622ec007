"""Access tokens configured by the operator, read and checked at start-up.

One token a line (or a comma-separated entry of DORA_TOKENS):

    <token> <org or *> <read or write>

`#` starts a comment. A token is at least 16 characters of letters, digits
and `-._~+/=`; `write` implies `read`; `*` covers every org. Error messages
name the line, never the token.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from dora.domain.errors import InvalidParameter
from dora.domain.model import SLUG

MIN_LENGTH = 16
TOKEN = re.compile(r"[A-Za-z0-9\-._~+/=]+")
ANY_ORG = "*"


class Role(Enum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Token:
    """A bearer token and what it may do; its text never shows in a repr."""

    secret: str = field(repr=False)
    org: str
    role: Role
    where: str

    @property
    def digest(self) -> bytes:
        return hashlib.sha256(self.secret.encode()).digest()

    def covers(self, org: str) -> bool:
        return self.org in (ANY_ORG, org)


def tokens_from_env(env: Mapping[str, str] = os.environ) -> tuple[Token, ...]:
    """Read DORA_TOKENS and the file named by DORA_TOKENS_FILE, if set."""
    tokens: list[Token] = []
    inline = env.get("DORA_TOKENS", "")
    if inline.strip():
        entries = inline.replace("\n", ",").split(",")
        tokens += parse_lines(entries, "DORA_TOKENS entry")
    path = env.get("DORA_TOKENS_FILE", "")
    if path:
        tokens += _tokens_file(Path(path))
    _check_unique(tokens)
    return tuple(tokens)


def _tokens_file(path: Path) -> list[Token]:
    where = f"DORA_TOKENS_FILE {str(path)!r}"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidParameter(f"{where}: cannot be read ({error})") from None
    tokens = parse_lines(lines, f"{where} line")
    if not tokens:
        raise InvalidParameter(f"{where}: holds no token")
    return tokens


def parse_lines(lines: list[str], where: str) -> list[Token]:
    """Parse one token a line; blank lines and `#` comments are skipped."""
    tokens = []
    for number, line in enumerate(lines, start=1):
        words = line.split("#", 1)[0].split()
        if words:
            tokens.append(_token(words, f"{where} {number}"))
    return tokens


def _token(words: list[str], where: str) -> Token:
    if len(words) != 3:
        raise InvalidParameter(
            f"{where}: expected 'TOKEN ORG|* read|write', got {len(words)} fields"
        )
    secret, org, role = words
    if len(secret) < MIN_LENGTH or not TOKEN.fullmatch(secret):
        raise InvalidParameter(
            f"{where}: a token needs at least {MIN_LENGTH} characters "
            "of letters, digits and -._~+/="
        )
    if org != ANY_ORG and not SLUG.fullmatch(org):
        raise InvalidParameter(f"{where}: org {org!r} is neither a slug nor *")
    if role not in ("read", "write"):
        raise InvalidParameter(f"{where}: role {role!r} is not read or write")
    return Token(secret, org, Role(role), where)


def _check_unique(tokens: list[Token]) -> None:
    seen: dict[str, str] = {}
    for token in tokens:
        if token.secret in seen:
            raise InvalidParameter(
                f"{token.where}: the same token as {seen[token.secret]}"
            )
        seen[token.secret] = token.where
