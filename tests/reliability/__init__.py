"""Reliability: chaos runs, concurrency, stale plans, fuzzing, secret canaries, local org security."""
