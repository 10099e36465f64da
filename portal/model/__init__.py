"""The portal's content model: ``load(root)`` gives validated, frozen values."""

from .fields import Text
from .loader import CONTENT_TYPES, Content, check, load
from .problems import ContentError, Problem, Problems

__all__ = [
    "CONTENT_TYPES",
    "Content",
    "ContentError",
    "Problem",
    "Problems",
    "Text",
    "check",
    "load",
]
