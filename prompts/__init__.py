"""Prompt and letter templates, shipped as files with the package (see bot/templates.py)."""
