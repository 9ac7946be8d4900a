"""A local, stateful emulator of the Twilio REST API subset flex-pre-agent manages.

Run it with `python -m twilio_emulator`, or in process with `twilio_emulator.server.Emulator`; see README.md.
"""
