"""``specgen check``: recorded exchanges, routing, conformance, runners and reports."""
