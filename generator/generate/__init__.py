"""``specgen generate``: schemas, names, the intermediate representation, models, rendering, the gate, writing."""
