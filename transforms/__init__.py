"""Convert passes (filled in by issue 5)."""
