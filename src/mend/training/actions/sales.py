"""Training actions: sales (see actions/__init__.py)."""

__all__: list[str] = []
