"""Tests for providers."""
