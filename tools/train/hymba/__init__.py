"""Hymba re-implementation for training the embedded models (see ../../../../shared/docs/hymba-architecture.md)."""
