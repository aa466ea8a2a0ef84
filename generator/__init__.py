"""specgen: hand-written OpenAPI specs, validated, checked and turned into typed clients."""

__version__ = "0.1.0"
