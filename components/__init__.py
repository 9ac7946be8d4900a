"""Pulumi components and the Twilio dynamic providers under them."""
