"""Operator tools the CLI imports lazily: demo data, benchmarks, and a real server to run them against."""
