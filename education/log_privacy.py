"""Share tokens never reach a log: a share link's address is the key to a patient's leaflet.

`MaskShareTokens` is a logging filter (settings.LOGGING puts it on every handler): Django's request log
("Not Found: /s/<token>/"), the development server's request lines and anything else that prints a share
address get `/s/[token]/` instead. `MaskedAccessLogger` does the same for gunicorn's access log
(clinic/gunicorn.py). Nothing about a patient (email address, message) is ever passed to a logger at all.
"""

import logging
import re

from gunicorn.glogging import Logger

SHARE_ADDRESS = re.compile(r"(/s/)[A-Za-z0-9_-]{6,}")
MASK = r"\1[token]"


def mask_share_tokens(text: str) -> str:
    return SHARE_ADDRESS.sub(MASK, text)


def _masked(value):
    return mask_share_tokens(value) if isinstance(value, str) else value


class MaskShareTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_share_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        return True


class MaskedAccessLogger(Logger):
    """gunicorn's logger with share tokens masked wherever the access log format could print them."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every atom: the request line, path, query and referrer, and the {header}i and {variable}e ones.
        return {key: _masked(value) for key, value in atoms.items()}
