"""What one run of a job did, logged as one line (job, rows claimed, sent, failed, ms)."""
from dataclasses import dataclass, field


@dataclass
class Report:
    job: str
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    unknown: int = 0
    raised: int = 0
    resolved: int = 0
    note: str = ""
    counts: dict = field(default_factory=dict)

    def line(self, ms):
        parts = [f"job={self.job}", f"claimed={self.claimed}", f"sent={self.sent}",
                 f"failed={self.failed}"]
        extra = ("retried", "unknown", "raised", "resolved")
        parts += [f"{name}={getattr(self, name)}" for name in extra if getattr(self, name)]
        parts += [f"{name}={value}" for name, value in self.counts.items() if value]
        parts.append(f"ms={ms:.0f}")
        if self.note:
            parts.append(f"note={self.note!r}")
        return " ".join(parts)
