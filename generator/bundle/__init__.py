"""``specgen bundle``: single-file documents of a spec for other generators."""
