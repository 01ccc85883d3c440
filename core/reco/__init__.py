"""Readiness and recommendations: check-ins, safety rules, a hierarchical model, training load."""
