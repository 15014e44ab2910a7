"""JSON pointers and dotted paths."""

from __future__ import annotations

from runware_testkit.validation.pointers import dotted, pointer


def test_pointer_escapes():
    assert pointer(["inputs", "frameImages", 2, "frame"]) == "/inputs/frameImages/2/frame"
    assert pointer(["a/b", "c~d"]) == "/a~1b/c~0d"
    assert pointer([]) == ""


def test_dotted():
    assert dotted(["inputs", "frameImages", 2, "frame"]) == "inputs.frameImages.2.frame"
    assert dotted([]) == ""
