"""Surface signals in a thread message: what marks evidence, and what marks talk among people.

Strong signals (a log line, a stack frame, a command, a metric with its unit, an error) settle the
question alone; weak ones (a clock time, a verb of change, an observation) only tip a borderline
message, because "bridge at 14:30" and "I'll restart it after lunch" use the same words as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FLAGS = re.I | re.M

STRONG: dict[str, re.Pattern[str]] = {
    "log_line": re.compile(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"  # ISO timestamps
        r"|\b(?:level|severity|lvl)=\w+"
        r"|^\s*\[?(?:ERROR|WARN(?:ING)?|FATAL|CRIT(?:ICAL)?|PANIC|E\d{4})\]?[\s:]"
        r"|\b(?:ERROR|FATAL|PANIC|WARN)\b(?=[\s:\]])",
        re.M,
    ),
    "stack_trace": re.compile(
        r"Traceback \(most recent|^\s+at [\w.$]+\(|\b\w+(?:Error|Exception)\b|goroutine \d+|panic:", re.M
    ),
    "code_or_prompt": re.compile(r"```|^\s*[$#>] \S|^\s*`[^`]+`\s*$", re.M),
    # A tool's name followed by something shaped like an argument (flag, path, host, subcommand):
    # "ping me" and "run the kubectl commands" are talk, "ss -s" and "kubectl get pods" are not.
    "command": re.compile(
        r"\b(?:kubectl|psql|mysql|redis-cli|curl|dig|nslookup|journalctl|systemctl|docker|helm|aws|"
        r"gcloud|terraform|grep|tail|dmesg|netstat|ss|traceroute|ping|openssl|jstack|jcmd|top|free|df)"
        r"[ \t]+(?:-\S+|\S*[./:=@]\S*|get|describe|logs|exec|rollout|history|status|info|s_client|top)",
        _FLAGS,
    ),
    "metric": re.compile(
        r"\b(?:p50|p90|p95|p99|p999)\b"
        r"|\d+(?:\.\d+)?k?\s?(?:ms|µs|us|sec|secs|seconds|s|%|k?rps|qps|req/s|mb|gb|tb|mib|gib|mi|gi|"
        r"kb|cores?|conns?|connections|errors?/s|x)(?!\w)"
        r"|\b\d+(?:\.\d+)?k?\s?(?:errors|requests|restarts|timeouts|5xx|4xx|pods?|replicas)\b",
        _FLAGS,
    ),
    "error": re.compile(
        r"\b(?:exception|oomkill\w*|crashloop\w*|segfault|sigkill|sigterm|timed? ?out|timeouts?|"
        r"refused|denied|unreachable|unhealthy|evicted|nxdomain|servfail|deadlock|"
        r"exit(?:ed)? (?:code|status)|(?:HTTP|status|got|returning|returns|throwing)\s+[45]\d\d|"
        r"\b[45]\d\d(?:s|\b)(?=.{0,20}\b(?:errors?|responses?|from|on|spik|rate))|"
        r"no space left|out of memory|too many connections|certificate|x509|permission)\b",
        _FLAGS,
    ),
    "key_value": re.compile(r"\b\w+=[\w\"'./:-]+(?:\s+\w+=[\w\"'./:-]+){1,}"),
}

WEAK: dict[str, re.Pattern[str]] = {
    "clock_time": re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\b\d{1,2}\s?(?:am|pm)\b|\butc\b", _FLAGS),
    "change_done": re.compile(
        r"\b(?:restarted|rebooted|rolled (?:it )?back|reverted|redeployed|deployed|scaled|bumped|"
        r"increased|decreased|raised|lowered|flushed|failed over|drained|cordoned|disabled|enabled|"
        r"patched|killed|purged|rotated|upgraded|downgraded|applied|removed|added|turned (?:off|on))\b",
        _FLAGS,
    ),
    "observation": re.compile(
        r"\b(?:seeing|saw|see|noticed|shows?|showing|looks like|still|no change|same (?:thing|error)|"
        r"back to normal|recovered|spik\w*|dropp\w*|went (?:up|down)|started|stopped|began|"
        r"since|only (?:on|in|affects)|affect\w*|happen\w*|broken|down|slow|failing|errors?)\b",
        _FLAGS,
    ),
    "question": re.compile(r"\?\s*$|^\s*(?:why|what|how|could|should|is|are|does|do|can)\b", _FLAGS),
    # Plans, requests and hand-offs among people: evidence words in them describe future work.
    "plan_or_request": re.compile(
        r"^\W*(?:I'?ll|I will|I'?m going to|I am going to|let'?s|will|gonna|can someone|could someone|"
        r"someone should|who(?:'s| is)?|can you|could you|please|should we)\b",
        _FLAGS,
    ),
    "social": re.compile(
        r"\b(?:brb|afk|lunch|coffee|laptop|meeting|bridge|zoom|call|postmortem|retro|status page|"
        r"ticket|jira|standup|invite)\b",
        _FLAGS,
    ),
    "gratitude": re.compile(r"^\W*(?:thanks|thank you|thx|ty|cheers|nice|great)\b", _FLAGS),
}

# Messages people write to each other: thanks, acks, hand-offs, arranging the call.
ACK_ONLY = re.compile(
    r"^\W*(?:(?:thanks?|thank you|thx|ty|cheers|ta|kudos|nice|great|good (?:job|catch|call|find)|cool|"
    r"awesome|perfect|sweet|yep|yes|yup|no|nope|ok(?:ay)?|k|kk|ack(?:ed|nowledged)?|roger|copy|"
    r"got it|on it|will do|sounds good|lgtm|\+1|same|agreed|makes sense|np|sure|done|"
    r"omw|brb|here|joining|joined)\b[\s\W]*)+"
    r"(?:@?\w+)?[\s\W]*$",
    re.I,
)
EMOJI_ONLY = re.compile(r"^(?:\s|:[\w+-]+:|[^\w\s]|\d(?=\ufe0f))*$")


@dataclass(frozen=True)
class Signals:
    """Which named signals a message shows."""

    strong: frozenset[str]
    weak: frozenset[str]
    ack_only: bool
    emoji_only: bool


def read_signals(text: str) -> Signals:
    """Match every rule against the message."""
    stripped = text.strip()
    return Signals(
        strong=frozenset(name for name, rule in STRONG.items() if rule.search(stripped)),
        weak=frozenset(name for name, rule in WEAK.items() if rule.search(stripped)),
        ack_only=bool(ACK_ONLY.match(stripped)),
        emoji_only=bool(EMOJI_ONLY.match(stripped)),
    )
