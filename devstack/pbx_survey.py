"""The PBX simulator's post-call survey: what Asterisk sends when the caller, after
the agent hung up, scores the call by keypad in the IVR (asterisk/extensions.conf,
``survey``): a UserEvent with the caller channel's snapshot and the score."""

from __future__ import annotations

import time

EOL = "\r\n"


def survey_event(linkedid: str, number: str, score: str) -> str:
    """``UserEvent: PulseSurvey`` as Asterisk 20 writes it for the caller's channel
    (its Uniqueid is the call's Linkedid): the snapshot first, then the dialplan's
    own field."""
    fields = {
        "Event": "UserEvent",
        "Privilege": "user,all",
        "Channel": f"PJSIP/sbc-{linkedid.replace('.', '')}",
        "ChannelState": "6",
        "ChannelStateDesc": "Up",
        "CallerIDNum": number or "anonymous",
        "Context": "pulse-ivr",
        "Exten": "survey",
        "Uniqueid": linkedid,
        "Linkedid": linkedid,
        "Timestamp": f"{time.time():.6f}",
        "UserEvent": "PulseSurvey",
        "Score": score,
    }
    return "".join(f"{k}: {v}{EOL}" for k, v in fields.items()) + EOL
