"""Training actions: elearning (see actions/__init__.py)."""

__all__: list[str] = []
