"""Tests for lifecycle."""
