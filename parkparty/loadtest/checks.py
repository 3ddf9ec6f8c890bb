"""Nothing lost: every edit the server accepted is in the record's history, every refusal was a real conflict.

The simulated editors log each save they sent: the record, a unique marker
written into its notes, the version they read from the form, and the
answer (accepted: 302 to the record; refused: 400 with the stale-edit
error; or no answer because locust stopped the user first). This module
compares that log with the history rows the run added to each record:

- the rows' versions run on from the version before the run, one by one:
  two rows with one version would be two saves that replaced the same
  version (a lost update);
- each accepted marker is in exactly one row, written by the user who sent
  it, and that row's version is the version the editor read plus one: the
  save replaced exactly what the editor saw;
- every row is an accepted save (or one whose answer never arrived): a
  refused marker in the history was written although the editor was told
  it was not;
- every refused save read a version that another save had replaced, so it
  was refused for a real conflict;
- the record itself holds the last row's notes and version.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

ACCEPTED, REFUSED, SENT, UNEXPECTED = "accepted", "refused", "sent", "unexpected"


@dataclass
class RecordCheck:
    """The outcome for one edited record."""

    label: str
    version_before: int
    version_after: int
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


@dataclass
class EditCheck:
    """The outcome for all edited records."""

    records: list[RecordCheck]

    @property
    def counts(self) -> Counter:
        total: Counter = Counter()
        for record in self.records:
            total.update(record.counts)
        return total

    @property
    def problems(self) -> list[str]:
        return [f"{record.label}: {problem}" for record in self.records for problem in record.problems]

    @property
    def lost(self) -> int:
        """Accepted saves that are not in the history as they were sent, and updates that overwrote another."""
        return sum(record.counts["lost"] for record in self.records)

    def lines(self) -> list[str]:
        counts = self.counts
        lines = [
            f"Edits of {len(self.records)} shared records: {counts[ACCEPTED]} accepted, {counts[REFUSED]} refused "
            f"as stale, {counts[SENT]} without an answer (run ended), {counts[UNEXPECTED]} unexpected; "
            f"{self.lost} lost."
        ]
        for record in self.records:
            lines.append(
                f"  {record.label}: version {record.version_before} → {record.version_after}, "
                f"{record.counts[ACCEPTED]} accepted, {record.counts[REFUSED]} refused"
            )
        lines.extend(f"  PROBLEM {problem}" for problem in self.problems)
        return lines


def check_record(instance, version_before: int, edits: list[dict], label: str) -> RecordCheck:
    """Compare one record's history since ``version_before`` with the edits sent to it (see the module doc)."""
    instance.refresh_from_db()
    rows = list(
        type(instance)
        .history.filter(id=instance.pk, version__gt=version_before)
        .order_by("version", "history_id")
        .values_list("version", "notes", "history_user__username", "history_type")
    )
    result = RecordCheck(label=label, version_before=version_before, version_after=instance.version)
    result.counts.update(edit["outcome"] for edit in edits)
    problems = result.problems

    versions = [row[0] for row in rows]
    expected = list(range(version_before + 1, version_before + 1 + len(rows)))
    if versions != expected:
        repeated = sorted(v for v, n in Counter(versions).items() if n > 1)
        if repeated:
            problems.append(f"versions {repeated} were each written more than once: one save overwrote another")
            result.counts["lost"] += sum(Counter(versions)[v] - 1 for v in repeated)
        else:
            problems.append(f"history versions {versions} do not run on from version {version_before}")

    by_marker: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_marker[row[1]].append(row)
    sent = {edit["marker"]: edit for edit in edits}
    for edit in edits:
        found = by_marker.get(edit["marker"], [])
        if edit["outcome"] == ACCEPTED:
            if not found:
                problems.append(f"accepted save {edit['marker']!r} (read version {edit['read_version']}) is missing")
                result.counts["lost"] += 1
            elif len(found) > 1:
                problems.append(f"accepted save {edit['marker']!r} is in the history {len(found)} times")
            else:
                version, _, username, _ = found[0]
                if version != edit["read_version"] + 1:
                    problems.append(
                        f"accepted save {edit['marker']!r} read version {edit['read_version']} "
                        f"but was stored as version {version}: it overwrote a save it never saw"
                    )
                    result.counts["lost"] += 1
                if username != edit["user"]:
                    problems.append(f"accepted save {edit['marker']!r} is recorded as {username}'s")
        elif edit["outcome"] == REFUSED:
            if found:
                problems.append(f"refused save {edit['marker']!r} was written all the same")
            if edit["read_version"] + 1 not in versions:
                problems.append(
                    f"save {edit['marker']!r} was refused although nobody had replaced version {edit['read_version']}"
                )
        elif found and found[0][0] != edit["read_version"] + 1:
            # No answer arrived (or an unexpected one): it may or may not be stored, but never over another save.
            problems.append(f"unanswered save {edit['marker']!r} overwrote a save it never saw")
            result.counts["lost"] += 1
    for version, notes, _, _ in rows:
        if notes not in sent:
            problems.append(f"version {version} holds {notes!r}, which no simulated editor sent")

    last_version, last_notes = (rows[-1][0], rows[-1][1]) if rows else (version_before, None)
    if instance.version != last_version:
        problems.append(f"the record is at version {instance.version}, its history ends at {last_version}")
    if rows and instance.notes != last_notes:
        problems.append(f"the record's notes {instance.notes!r} are not its last saved value {last_notes!r}")
    return result


def check_edits(targets: list, edits: list[dict]) -> EditCheck:
    """Check every target record against the edits sent to it; ``targets`` are :class:`~.plan.EditTarget`s."""
    records = []
    for target in targets:
        instance = target.model_class._default_manager.get(pk=target.pk)
        mine = [edit for edit in edits if edit["model"] == target.model and edit["pk"] == target.pk]
        records.append(check_record(instance, target.version_before, mine, f"{target.model} #{target.pk}"))
    return EditCheck(records=records)
