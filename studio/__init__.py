"""Studio flow toolkit: typed widgets, a builder, validation, diagrams and import.

Pure: imports neither Pulumi nor twilio.
"""
