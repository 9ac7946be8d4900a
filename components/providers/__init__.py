"""Pulumi dynamic providers over the official twilio SDK."""
