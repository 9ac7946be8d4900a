"""Tests for studio."""
