"""``specgen validate``: openapi-spec-validator's verdict and specgen's own rules, as located findings."""
