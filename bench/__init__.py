"""Benchmarks: page weight (weight.py) and Lighthouse scores (lighthouse.py); see README.md."""
