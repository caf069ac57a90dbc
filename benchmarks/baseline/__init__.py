"""Frozen copies of the alignment/classification stage before its rewrite, for speed ratios."""
