"""Stored text, made safe to file or print: what no file or printer can show appears as a visible \\uXXXX.

The domain refuses controls at the door (step 7), but events written before that may hold them and are never
edited; exports and labels must still be written, and the reader should see that something was there.
"""

from __future__ import annotations

import re

# C0 controls but tab and line breaks, DEL, C1, and U+FFFE/U+FFFF: XML 1.0 cannot hold most of them (xlsx, SVG)
# and none of them prints.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# One printed line (a label) also shows tabs, line and paragraph separators: a text layout cannot lay them out.
_HIDDEN_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def printable(text: str, one_line: bool = False) -> str:
    """``text`` with each control character as a visible ``\\u0001``-style escape; all else as typed."""
    return (_HIDDEN_IN_A_LINE if one_line else _HIDDEN).sub(lambda found: f"\\u{ord(found.group()):04x}", text)
