"""Performance benchmarks (not run by `make test`); see benchmarks/README.md."""
