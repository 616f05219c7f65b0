"""Run one action in many threads at once, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection


def race(action: Callable[[Any], Any], arguments: Sequence[Any]) -> list[Any]:
    """Call `action(argument)` for every argument in its own thread, all released at once
    by a barrier. Returns what each call returned or raised, in the order of `arguments`
    (a raised exception is returned, not raised: the caller asserts on it)."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list[Any] = [None] * len(arguments)

    def run(index: int, argument: Any) -> None:
        try:
            barrier.wait()
            outcomes[index] = action(argument)
        except Exception as exc:  # returned to the caller, who asserts on it
            outcomes[index] = exc
        finally:
            connection.close()  # each thread had its own connection

    threads = [
        threading.Thread(target=run, args=(index, argument))
        for index, argument in enumerate(arguments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
