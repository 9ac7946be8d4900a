"""Tests for taskrouter."""
