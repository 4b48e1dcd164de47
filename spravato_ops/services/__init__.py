"""Use cases: load, apply the domain rules, write, audit, commit."""
