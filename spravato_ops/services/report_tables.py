"""The report as tables: what the /reports page shows and each CSV download holds."""
import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NO_VALUE = "no data"


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = "count"  # text, count, percent (a 0-1 share) or minutes


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    note: str | None = None


def _sessions(report):
    s = report["sessions"]
    rows = [("Held (dose given)", s["held"]), ("Dose withheld", s["withheld"]),
            ("Cancelled", s["cancelled"]), ("Did not attend (no-show)", s["no_show"]),
            ("Still booked or in progress", s["open"]), ("All sessions", s["total"])]
    return Table("sessions", "Sessions by outcome",
                 (Column("Outcome", "text"), Column("Sessions"),
                  Column("Share of all sessions", "percent")),
                 tuple((label, n, n / s["total"] if s["total"] else None) for label, n in rows))


def _times(report):
    d, sedation, dissociation = (report[k] for k in ("discharge_times", "sedation",
                                                     "dissociation"))
    baseline = report["definitions"]["moaas_baseline"]
    return Table("times", "Minutes from the first device",
                 (Column("From the first device to", "text"), Column("Sessions"),
                  Column("Median minutes", "minutes"),
                  Column("90th percentile minutes", "minutes")),
                 (("Discharge", d["sessions"], d["median_minutes"], d["p90_minutes"]),
                  (f"Sedation resolved (MOAA/S back to {baseline})", sedation["resolved"],
                   sedation["median_minutes_to_resolution"],
                   sedation["p90_minutes_to_resolution"]),
                  ("Dissociation resolved", dissociation["resolved"],
                   dissociation["median_minutes_to_resolution"],
                   dissociation["p90_minutes_to_resolution"])))


def bin_label(first, last):
    """'120-129', '240 or more', 'under 120' (whole minutes)."""
    if first is None:
        return f"under {last}"
    return f"{first} or more" if last is None else f"{first}-{last - 1}"


def _discharge_times(report):
    bins = report["discharge_times"]["histogram"]
    return Table("discharge_times", "Time from the first device to discharge",
                 (Column("Minutes", "text"), Column("Sessions")),
                 tuple((bin_label(b["from_minute"], b["to_minute"]), b["sessions"])
                       for b in bins),
                 "The label's minimum is 120 minutes of monitoring (R3.1).")


def _safety(report):
    bp, spo2, defs = report["blood_pressure"], report["spo2"], report["definitions"]
    sedation, dissociation = report["sedation"], report["dissociation"]
    dosed = bp["dosed"]
    rows = [
        (f"Blood pressure rise of {defs['bp_rise']} or more over pre-dose (R2.3)",
         bp["sessions_with_rise"], bp["readings_with_rise"]),
        (f"Blood pressure above {defs['bp_alert']} (P-BP-ALERT)", bp["sessions_above_alert"],
         bp["readings_above_alert"]),
        (f"Sedation (MOAA/S {defs['sedation_moaas_max']} or lower)", sedation["sessions"], None),
        ("Sedation not recorded as resolved", sedation["unresolved"], None),
        ("Dissociation (any recorded)", dissociation["sessions"], None),
        ("Dissociation not recorded as resolved", dissociation["unresolved"], None),
        (f"SpO2 below {defs['spo2_min']}% (P-SPO2-MIN, R3.3)", spo2["sessions_below"],
         spo2["readings_below"]),
    ]
    return Table("safety", f"Findings in the {dosed} dosed sessions",
                 (Column("Finding", "text"), Column("Sessions"),
                  Column("Share of dosed sessions", "percent"), Column("Readings")),
                 tuple((label, n, n / dosed if dosed else None, readings)
                       for label, n, readings in rows))


def _courses(report):
    c = report["courses"]
    rows = [("On schedule", c["on_schedule"], 0),
            ("With one or more gaps", c["with_gaps"], c["gaps"]),
            ("All courses seen", c["seen"], c["gaps"])]
    return Table("courses", "Treatment courses on schedule (R1.7)",
                 (Column("Cadence", "text"), Column("Courses"),
                  Column("Share of courses", "percent"), Column("Gaps")),
                 tuple((label, n, n / c["seen"] if c["seen"] else None, gaps)
                       for label, n, gaps in rows),
                 "A gap: more days between two sessions than P-CADENCE allows in that phase.")


def _forms(report):
    f = report["rems_forms"]
    rows = [("Submitted on time", f["on_time"]), ("Submitted late", f["late"]),
            ("Not submitted, not yet due", f["open"]), ("Not submitted, overdue", f["overdue"]),
            ("No form started", f["no_form"]), ("All sessions that need a form", f["sessions"])]
    note = (None if f["required"] else "This site files no REMS monitoring forms.")
    return Table("rems_forms", "REMS Patient Monitoring Forms (R4.3, due within 7 days)",
                 (Column("Form", "text"), Column("Sessions"), Column("Share", "percent")),
                 tuple((label, n, n / f["sessions"] if f["sessions"] else None)
                       for label, n in rows) if f["required"] else (), note)


def _week_share(cells):
    booked = sum(cell["booked_minutes"] for cell in cells)
    available = sum(cell["open_minutes"] for cell in cells)
    return booked / available if available else None


def _utilisation(report):
    u = report["chair_utilisation"]
    rows = [(row["chair"], *(cell["utilisation"] for cell in row["weekdays"]),
             _week_share(row["weekdays"])) for row in u["chairs"]]
    rows.append(("All chairs", *(cell["utilisation"] for cell in u["all_chairs"]),
                 _week_share(u["all_chairs"])))
    return Table("chair_utilisation",
                 f"Chair utilisation: booked share of {report['definitions']['open_day']}",
                 (Column("Chair", "text"), *(Column(day, "percent") for day in WEEKDAY_NAMES),
                  Column("Whole week", "percent")),
                 tuple(rows),
                 "Booked chair-minutes (P-SLOT per session, cancelled and no-show sessions "
                 "excluded) over the open minutes of the range's days (closures excluded).")


# Table name -> its builder, in the page's order.
BUILDERS = {"sessions": _sessions, "times": _times, "discharge_times": _discharge_times,
            "safety": _safety, "courses": _courses, "rems_forms": _forms,
            "chair_utilisation": _utilisation}
TABLE_NAMES = tuple(BUILDERS)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_tables(report):
    """Every table of the report, in the page's order."""
    return tuple(build(report) for build in BUILDERS.values())


def report_table(report, name):
    return BUILDERS[name](report)


def percent_text(share):
    """A 0-1 share as a percentage to a tenth, halves rounded up (0.0625: '6.3')."""
    return str(Decimal(repr(share * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def display_value(value, kind):
    """A cell as the page shows it."""
    if value is None:
        return "" if kind == "count" else NO_VALUE
    if kind == "percent":
        return percent_text(value) + "%"
    if kind == "minutes":
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return str(value)


def csv_value(value, kind):
    """A cell as the CSV holds it: numbers plain (minutes to a tenth), shares as percentages,
    text never read as a formula."""
    if value is None:
        return ""
    if kind == "percent":
        return percent_text(value)
    if kind == "minutes":
        return f"{value:.1f}"
    if kind == "text" and str(value).startswith(FORMULA_STARTS):
        return "'" + str(value)
    return value


def csv_text(table):
    """The table as CSV (a header row, then one line per row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.heading + (" (%)" if column.kind == "percent" else "")
                     for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(value, column.kind)
                         for value, column in zip(row, table.columns)])
    return out.getvalue()
