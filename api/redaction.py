"""No token in any log line: uvicorn's access log writes the whole request line, query string included.

A caller may put a token where it does not belong (``?access_token=…``); it is refused, and must not be kept
either. The filter rewrites the arguments of every record on the loggers that write request lines.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMETER = re.compile(r"(?i)\b((?:access_token|token|api_key|apikey|pin|password|secret)=)[^&\s\"]*")
TOKEN = re.compile(r"\bft_[A-Za-z0-9_\-]{8,}")
LOGGERS = ("uvicorn.access", "uvicorn.error", "foodtrace.requests")


def redact(text: str) -> str:
    return TOKEN.sub("ft_[redacted]", SECRET_PARAMETER.sub(r"\1[redacted]", text))


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install() -> None:
    """Add the filter once to each logger that writes request lines."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
