"""The models and the migrations agree: a model change without its migration fails here."""

from io import StringIO

import pytest
from django.core.management import call_command

from hubportal import devstack


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"models changed without a migration (exit {exit_.code}):\n{out.getvalue()}")


@pytest.mark.parametrize(
    ("args", "own"),
    [
        ([], False),
        (["tests/core", "-k", "brand"], False),
        (["-p", "randomly"], False),
        (["-n0", "tests/walk"], True),
        (["-n", "1"], True),
        (["--numprocesses=2"], True),
        (["-p", "no:xdist"], True),
        (["-pno:xdist"], True),
        (["--dist", "load"], True),
    ],
)
def test_devstack_keeps_parallelism_unless_the_arguments_choose(args, own):
    assert devstack._chooses_own_parallelism(args) is own
