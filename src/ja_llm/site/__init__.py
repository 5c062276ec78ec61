"""The static website: pages, data and assets generated from the catalog."""

from .build import build_site

__all__ = ["build_site"]
