"""``specgen diff``: what changed between two versions of a spec, and what breaks clients."""
