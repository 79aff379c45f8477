"""Renderings of sfsync values for people and machines; the only place besides the CLI that prints."""
