"""A local, stateful emulator of the Twilio REST API subset flex-pre-agent manages."""
