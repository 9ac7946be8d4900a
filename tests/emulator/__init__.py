"""Tests for emulator."""
