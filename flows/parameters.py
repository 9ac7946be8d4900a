"""The per-environment values of the reference flows, as ``Parameter``s declared with where they come from.

Resource parameters are filled with the SIDs of what the stack deploys; config parameters with the
stack's settings. No SID or environment value is ever written into a flow.
"""

from flows.registry import config_value, task_channel_sid, workflow_sid
from flows.routing import CHAT_CHANNEL, PRE_AGENT_WORKFLOW, VOICE_CHANNEL

# From the deployed routing.
WORKFLOW_SID = workflow_sid(PRE_AGENT_WORKFLOW, parameter="WORKFLOW_SID")
VOICE_CHANNEL_SID = task_channel_sid(VOICE_CHANNEL)
CHAT_CHANNEL_SID = task_channel_sid(CHAT_CHANNEL)

# From the stack's config.
HOLD_MUSIC_URL = config_value("holdMusicUrl")
SELF_SERVICE_URL = config_value("selfServiceUrl")
TIME_ZONE = config_value("timeZone")
OPEN_TIME = config_value("businessHours.open", parameter="OPEN_TIME")
CLOSE_TIME = config_value("businessHours.close", parameter="CLOSE_TIME")
BUSINESS_DAYS = config_value("businessHours.days", parameter="BUSINESS_DAYS")
PROFILE_CONNECTION = config_value("profileConnection")
