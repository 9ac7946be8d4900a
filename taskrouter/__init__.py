"""TaskRouter routing toolkit: typed workflows, expressions, routing semantics and lint.

Pure: imports neither Pulumi nor twilio.
"""
