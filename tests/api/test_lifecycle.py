"""One project's whole life, idea to delivery with community work, driven only through HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from fastapi.testclient import TestClient

from tests.api.conftest import World, post

DKK = "DKK"


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": DKK}


def ok(answer, status: int = 200):  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    return answer.json()


def test_idea_to_delivered_project_with_contributions(
    client: TestClient, world: World, process_id: UUID
) -> None:
    officer, member, evaluator = world["officer"], world["member"], world["evaluator"]
    pid = str(process_id)
    today = date.today()

    # The community group submits an idea and develops it into a costed proposal.
    idea = ok(
        post(
            client,
            f"/processes/{pid}/ideas",
            member,
            {"title": "Benches by the lake", "description": "Six benches.", "area_code": "north"},
        ),
        201,
    )
    prop = idea["id"]
    ok(
        post(
            client,
            f"/proposals/{prop}/develop",
            member,
            {"cost_estimate": money("45000.00"), "area_code": "north", "category": "parks"},
            If_Match=f'"{idea["version"]}"',
        )
    )

    # The council reviews it, shortlists it and puts it on the ballot.
    ok(post(client, f"/processes/{pid}/phase", officer, {"to_phase": "review"}))
    ok(
        post(
            client,
            f"/proposals/{prop}/assess",
            officer,
            {"feasible": True, "reason": "Fits the park plan", "assessed_cost": money("45000.00")},
        )
    )
    ok(post(client, f"/proposals/{prop}/shortlist", officer))
    ok(post(client, f"/processes/{pid}/phase", officer, {"to_phase": "vote"}))
    ok(post(client, f"/processes/{pid}/ballot/open", officer, {"proposal_ids": [prop]}))
    for voter in ("anna@example.org", "bo@example.org", "carl@example.org"):
        ok(
            post(
                client,
                f"/processes/{pid}/ballots",
                officer,
                {"voter_ref": voter, "choices": {"approvals": [prop]}},
            ),
            201,
        )
    again = post(
        client,
        f"/processes/{pid}/ballots",
        officer,
        {"voter_ref": " Anna@Example.org", "choices": {"approvals": [prop]}},
    )
    assert again.status_code == 409
    assert again.json()["type"].endswith("duplicate-ballot")
    ok(post(client, f"/processes/{pid}/ballot/close", officer))

    # The council decides to fund it in full and a project is started from the decision.
    ok(post(client, f"/processes/{pid}/phase", officer, {"to_phase": "decision"}))
    decision = ok(
        post(
            client,
            f"/proposals/{prop}/decision",
            officer,
            {
                "outcome": "funded_in_full",
                "amount": money("45000.00"),
                "decided_on": today.isoformat(),
            },
        ),
        201,
    )
    project = ok(
        post(
            client,
            f"/decisions/{decision['id']}/project",
            officer,
            If_Match=f'"{decision["version"]}"',
        ),
        201,
    )
    proj = project["id"]
    ok(post(client, f"/processes/{pid}/phase", officer, {"to_phase": "delivery"}))

    # Delivery: a milestone, spend, and the group's pledged and logged work.
    ok(
        post(
            client,
            f"/projects/{proj}/milestones",
            officer,
            {"code": "install", "title": "Install benches", "due_on": str(today + timedelta(30))},
        )
    )
    ok(
        post(
            client,
            f"/projects/{proj}/milestones/install/start",
            officer,
            {"started_on": today.isoformat()},
        )
    )
    spend = ok(
        post(
            client,
            f"/projects/{proj}/spend",
            officer,
            {
                "amount": money("44100.50"),
                "spent_on": today.isoformat(),
                "purpose": "Benches and fitting",
            },
        )
    )
    assert spend["item_id"] is not None
    commitment = ok(
        post(
            client,
            f"/projects/{proj}/commitments",
            member,
            {"phase": "co_delivery", "level": "collective", "pledged_hours": "40"},
        ),
        201,
    )
    contribution = ok(
        post(
            client,
            f"/commitments/{commitment['id']}/contributions",
            member,
            {
                "hours": "12.5",
                "people_count": 4,
                "phase": "co_delivery",
                "level": "collective",
                "worked_on": today.isoformat(),
            },
        ),
        201,
    )
    ok(post(client, f"/contributions/{contribution['id']}/verify", officer))
    ok(
        post(
            client,
            f"/projects/{proj}/milestones/install/meet",
            officer,
            {"met_on": today.isoformat(), "evidence_url": "https://example.org/photos/benches"},
        )
    )
    ok(post(client, f"/commitments/{commitment['id']}/met", officer))  # officers certify a pledge
    done = ok(
        post(client, f"/projects/{proj}/complete", officer, {"completed_on": today.isoformat()})
    )

    # The write side's state, read back over HTTP (publicly, without a key).
    view = client.get(f"/api/v1/projects/{proj}")
    assert view.status_code == 200
    assert view.headers["ETag"] == f'"{done["version"]}"'
    body = view.json()
    assert body["status"] == "completed"
    assert body["approved"] == money("45000.00")
    assert body["spent"] == money("44100.50")
    assert [m["status"] for m in body["milestones"]] == ["met"]
    logged = client.get(f"/api/v1/contributions/{contribution['id']}", headers=member).json()
    assert (logged["hours"], logged["status"]) == ("12.5", "verified")
    proposal = client.get(f"/api/v1/proposals/{prop}").json()
    assert proposal["status"] == "funded_in_full"
    assert done["position"] > decision["position"] > idea["position"]

    # The read side over HTTP: the project's story and the process's impact measures.
    fresh = {"min_position": done["position"]}
    story = ok(client.get(f"/api/v1/projects/{proj}/timeline", params=fresh, headers=evaluator))
    entries = story["entries"]
    assert (story["project_id"], story["chain_ids"]) == (proj, [prop])
    assert story["decision_ids"] == [decision["id"]]
    assert [e["stage"] for e in entries[:8]] == [
        "idea",
        "proposal",
        "assessment",
        "shortlist",
        "ballot",
        "ballot",
        "decision",
        "project",
    ]
    assert entries[-1]["event"] == "Project.ProjectCompleted"
    assert entries[0]["actor_id"] == str(world.actors["member"])
    logged_entry = next(e for e in entries if e["event"] == "Contribution.ContributionLogged")
    assert logged_entry["summary"].startswith("work logged: 12.5 hours by 4 people")
    assert story["tally"][0]["approvals"] == 3
    public = ok(client.get(f"/api/v1/projects/{proj}/timeline"))
    assert len(public["entries"]) == len(entries)
    assert all("actor_id" not in e for e in public["entries"])

    impact = ok(client.get(f"/api/v1/processes/{pid}/impact", params=fresh, headers=evaluator))
    tables = {t["title"]: t["rows"] for t in impact["tables"]}
    # 44100.50 spent of 45000.00 approved: overrun -899.50 / 45000 = -0.0199888... (6 places)
    portfolio = tables["cost overrun"][-1]
    assert (portfolio["approved"], portfolio["spent"]) == ("45000.00", "44100.50")
    assert portfolio["overrun"] == "-0.019989"
    assert tables["budget execution"][0]["execution"] == "0.980011"
    assert tables["on-time rate"][0]["on_time_rate"] == "1.000000"
    # 3 voters and 4 volunteers are both below k = 5: hidden (with a reason), never numbers.
    turnout = tables["turnout"][0]
    assert turnout["voters_V"] is None
    assert turnout["voters_V_suppressed"]
    phase = next(r for r in tables["volunteer hours"] if r["by"] == "phase")
    assert (phase["hours"], phase["people"]) == ("12.5", None)
    assert phase["people_suppressed"]
