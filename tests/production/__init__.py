"""The production smoke run (.ci/production-smoke): not part of the suite (no test_*.py)."""
