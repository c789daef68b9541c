"""Pure: the roadmap's stages with their resources and the learner's progress, and which stage to focus on."""


def stage_progress(sections: list[dict], resources: list[dict], progress_rows: list[dict]) -> list[dict]:
    """One entry per roadmap stage (sections with stage >= 1), in stage order."""
    by_section = {row["section"]: row for row in progress_rows}
    stages = []
    for section in sorted((s for s in sections if s.get("stage", 0) >= 1), key=lambda s: s["stage"]):
        row = by_section.get(section["id"], {})
        stages.append({
            "stage": section["stage"], "section": section["id"], "title": section["title"],
            "cards": row.get("cards", 0), "seen": row.get("seen", 0), "mature": row.get("mature", 0),
            "learning": row.get("learning", 0), "retention": row.get("retention"),
            "resources": [r for r in resources if r.get("section") == section["id"]],
        })
    focus = next((s for s in stages if not is_settled(s)), None)
    for stage in stages:
        stage["focus"] = stage is focus
    return stages


def is_settled(stage: dict) -> bool:
    """A stage is settled once every card has been seen and none is still in its first steps or just lapsed."""
    return stage["seen"] >= stage["cards"] and stage["learning"] == 0
