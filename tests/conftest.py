"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import DEV


@pytest.fixture
def dev_data() -> Path:
    if not (DEV / "docs").is_dir():
        pytest.skip("the development set ../shared/data/dev is not here")
    return DEV
