"""Logging filters named in settings.LOGGING."""

import logging
import time


class OncePerMinute(logging.Filter):
    """One record a minute, without its traceback: Redis being down is one fact, not one per
    cache call (a page makes dozens)."""

    seconds = 60

    def __init__(self, name=""):
        super().__init__(name)
        self.last_passed = None

    def filter(self, record):
        now = time.monotonic()
        if self.last_passed is not None and now - self.last_passed < self.seconds:
            return False
        self.last_passed = now
        error = record.exc_info[1] if record.exc_info else None
        record.msg, record.args = "Redis unreachable, serving without the cache: %s", (error,)
        record.exc_info = record.exc_text = None
        return True
