"""Helpers for the processes a build starts besides its own (the forked second process of site.pipeline, the
chart's drawing process of render.chart)."""

from __future__ import annotations

import os
import sys


def die_with(parent: int) -> None:
    """Let the kernel kill this process when its parent (process id `parent`) dies (Linux: prctl
    PR_SET_PDEATHSIG), so that a build killed midway leaves no process behind writing into its folder or
    drawing for nobody. Elsewhere nothing happens."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
