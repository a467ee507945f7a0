"""Benchmarks of issue 3 («Performance»): see bench/README.md."""
