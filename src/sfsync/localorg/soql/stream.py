"""A cursor over tokens with the small vocabulary the parsers share."""

from __future__ import annotations

from sfsync.localorg.soql.errors import SoqlError, unexpected_token
from sfsync.localorg.soql.lexer import Token
from sfsync.localorg.soql.syntax import Path


class TokenStream:
    def __init__(self, soql: str, tokens: list[Token]) -> None:
        self.soql = soql
        self._tokens = tokens
        self._index = 0

    @property
    def peek(self) -> Token:
        return self._tokens[self._index]

    def take(self) -> Token:
        token = self._tokens[self._index]
        if token.kind != "eof":
            self._index += 1
        return token

    def unexpected(self, token: Token) -> SoqlError:
        return unexpected_token(self.soql, token.pos, None if token.kind == "eof" else token.text)

    def accept_word(self, word: str) -> bool:
        if self.peek.is_word(word):
            self._index += 1
            return True
        return False

    def accept_punct(self, text: str) -> bool:
        if self.peek.kind == "punct" and self.peek.text == text:
            self._index += 1
            return True
        return False

    def expect_word(self, word: str) -> Token:
        token = self.take()
        if not token.is_word(word):
            raise self.unexpected(token)
        return token

    def expect_ident_of(self, *words: str) -> Token:
        token = self.take()
        if not token.is_word(*words):
            raise self.unexpected(token)
        return token

    def expect_punct(self, text: str) -> Token:
        token = self.take()
        if token.kind != "punct" or token.text != text:
            raise self.unexpected(token)
        return token

    def expect_ident(self) -> Token:
        token = self.take()
        if token.kind != "ident":
            raise self.unexpected(token)
        return token

    def expect_path(self) -> Path:
        token = self.expect_ident()
        return Path(tuple(token.text.split(".")), token.pos)

    def expect_eof(self) -> None:
        token = self.peek
        if token.kind != "eof":
            raise self.unexpected(token)
