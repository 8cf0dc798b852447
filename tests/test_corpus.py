"""The benchmark corpus (../shared/bench/make_corpus.py) follows the content contract: it must build
with no error and no warning, and every internal link of the result must resolve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import SHARED, build_site, check_links

MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"


@pytest.mark.skipif(
    not MAKE_CORPUS.exists(), reason="../shared/bench/make_corpus.py is not beside the checkout"
)
def test_generated_corpus_builds_cleanly(tmp_path: Path) -> None:
    site = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(site), "--articles", "150"], check=True, capture_output=True
    )
    out = tmp_path / "public"
    result = build_site(site, out)
    assert result.ok and result.problems == (), result.text
    assert "warning" not in result.text and "error" not in result.text, result.text
    assert check_links(out) == []
    assert len(list((out / "articles").iterdir())) == 150
