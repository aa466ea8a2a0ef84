"""Reading specs: the one layer that walks a raw OpenAPI document."""
