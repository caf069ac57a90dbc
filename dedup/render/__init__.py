"""Report -> text for people and programs: pure rendering, no pipeline logic."""
