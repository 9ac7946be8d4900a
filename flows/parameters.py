"""The per-environment values of the flows, as studio ``Parameter``s.

Resource parameters are filled from Pulumi outputs (the SIDs of the routing a stack deploys); config
parameters from the stack's settings. No SID or environment value is ever written into a flow.
"""

from studio import Parameter

# From the deployed routing.
WORKFLOW_SID = Parameter("WORKFLOW_SID")
TASK_CHANNEL_SID = Parameter("TASK_CHANNEL_SID")
RESOURCE_PARAMETERS = (WORKFLOW_SID, TASK_CHANNEL_SID)

# From the stack's config.
HOLD_MUSIC_URL = Parameter("HOLD_MUSIC_URL")
SELF_SERVICE_URL = Parameter("SELF_SERVICE_URL")
TIME_ZONE = Parameter("TIME_ZONE")
OPEN_TIME = Parameter("OPEN_TIME")
CLOSE_TIME = Parameter("CLOSE_TIME")
BUSINESS_DAYS = Parameter("BUSINESS_DAYS")
PROFILE_CONNECTION = Parameter("PROFILE_CONNECTION")
