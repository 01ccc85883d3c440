"""Workout plans: exercise catalogue, strict plan schema, generator, demo-clip playlists on
pluggable clip storage, and stored plans with assignments and planned-vs-done tracking.

catalogue.py (data/exercises.json, synced to the database), schema.py (validation, every
error by JSON path), generator.py (progressive plans, readiness adjustment), table.py (plan
<-> flat table / CSV / calendar), clip_store.py (local / HTTPS / S3), playlist.py,
demo_clips.py (synthetic clips), store.py (plans, assignments, set logs).
"""
