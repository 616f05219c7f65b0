"""The role walk's fixture world and its signed-in test clients (tests/walk)."""

from tests.walk.conftest import as_role, world

__all__ = ["as_role", "world"]
