"""The Explore page's sections, one module each: what a section reads from the URL, computes through ui/latents and
draws. pages/explore.py calls them in the order they appear."""

from . import added, axes, controls, export, gaps, neighbours, selection

__all__ = ["added", "axes", "controls", "export", "gaps", "neighbours", "selection"]
