#!/usr/bin/env python3
"""Writes the hand-written corpus scenarios (scenario + manifests).

Goldens are recorded afterwards with the recorder (see rerecord.sh --update).
Run from the conformance folder: python3 scripts/handwritten.py
"""
import os

CORPUS = os.path.join(os.path.dirname(__file__), "..", "testdata", "corpus")


def dep(name, image="nginx:1.0", replicas=None, surge=None, unavail=None,
        strategy=None, mrs=None, pds=None, rhl=None, container=None,
        selector=None, labels=None, port=False, extra_spec=""):
    container = container or name
    labels = labels if labels is not None else {"app": name}
    selector = selector if selector is not None else dict(labels)
    out = ["apiVersion: apps/v1", "kind: Deployment", "metadata:",
           f"  name: {name}", "spec:"]
    if replicas is not None:
        out.append(f"  replicas: {replicas}")
    if mrs is not None:
        out.append(f"  minReadySeconds: {mrs}")
    if pds is not None:
        out.append(f"  progressDeadlineSeconds: {pds}")
    if rhl is not None:
        out.append(f"  revisionHistoryLimit: {rhl}")
    if strategy or surge is not None or unavail is not None:
        out.append("  strategy:")
        if strategy:
            out.append(f"    type: {strategy}")
        if surge is not None or unavail is not None:
            out.append("    rollingUpdate:")
            if surge is not None:
                out.append(f"      maxSurge: {fmt(surge)}")
            if unavail is not None:
                out.append(f"      maxUnavailable: {fmt(unavail)}")
    if extra_spec:
        out.append(extra_spec.rstrip("\n"))
    if selector == "missing":
        pass
    elif selector == {}:
        out.append("  selector: {}")
    else:
        out.append("  selector:")
        out.append("    matchLabels:")
        for k, v in selector.items():
            out.append(f"      {k}: {v}")
    out.append("  template:")
    out.append("    metadata:")
    out.append("      labels:")
    for k, v in labels.items():
        out.append(f"        {k}: {v}")
    out.append("    spec:")
    out.append("      containers:")
    out.append(f"      - name: {container}")
    out.append(f"        image: {image}")
    if port:
        out.append("        ports:")
        out.append("        - containerPort: 80")
    return "\n".join(out) + "\n"


def fmt(v):
    if isinstance(v, str):
        return f'"{v}"'
    return str(v)


SCENARIOS = {}


def scenario(name, script, **files):
    SCENARIOS[name] = (script, files)


# --- maxSurge / maxUnavailable -------------------------------------------
scenario("surge3-unavail2-ten-replicas", """
# 10 replicas, maxSurge 3, maxUnavailable 2: minAvailable 8, maxTotal 13.
apply -f web.v1.yml
rollout status deployment/web
apply -f web.v2.yml
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=10, surge=3, unavail=2),
        "web.v2.yml": dep("web", "nginx:2.0", replicas=10, surge=3, unavail=2)})

scenario("surge0-unavail1", """
# maxSurge 0: the old ReplicaSet must shrink before the new one grows.
apply -f web.v1.yml
rollout status deployment/web
apply -f web.v2.yml
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=4, surge=0, unavail=1),
        "web.v2.yml": dep("web", "nginx:2.0", replicas=4, surge=0, unavail=1)})

scenario("percent-defaults-five-replicas", """
# 25%/25% of 5: surge rounds up to 2, unavailable rounds down to 1.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=5)})

scenario("percent-rounding-seven-replicas", """
# 30% of 7 = 2.1: maxSurge ceil -> 3, maxUnavailable floor -> 2.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=7, surge="30%", unavail="30%")})

scenario("percent-both-round-to-zero", """
# maxSurge 0 and maxUnavailable 10% of 3 (= 0): both zero, so one pod may be unavailable.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, surge=0, unavail="10%")})

scenario("unavailable-100-percent", """
# maxUnavailable 100% with no surge: everything is replaced at once.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=6, surge=0, unavail="100%")})

scenario("surge-percent-large", """
# maxSurge 100%: the whole new ReplicaSet comes up before the old one shrinks.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=4, surge="100%", unavail=0)})

scenario("single-replica-default-strategy", """
# One replica with 25%/25%: surge 1, unavailable 0.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web")})

# --- rollover and proportional scaling -----------------------------------
scenario("rollover-before-finish", """
# A second template change lands while the first rollout is half way.
config pod-startup=2s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 3s
set image deployment/web web=nginx:3.0
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=10, surge=3, unavail=2)})

scenario("rollover-broken-release", """
# 10/3/2: a broken v2 stalls, v3 replaces it (unhealthy old ReplicaSets go first).
apply -f web.v1.yml
rollout status deployment/web
config never-ready=nginx:broken
set image deployment/web web=nginx:broken
sleep 5s
set image deployment/web web=nginx:3.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=10, surge=3, unavail=2, pds=30)})

scenario("undo-broken-release", """
# 10/3/2: a broken v2 stalls; undo makes v1 the new ReplicaSet again.
apply -f web.v1.yml
rollout status deployment/web
config never-ready=nginx:broken
set image deployment/web web=nginx:broken
sleep 5s
rollout undo deployment/web
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=10, surge=3, unavail=2, pds=30)})

scenario("proportional-scale-up-mid-rollout", """
# Scaling 10 -> 15 during a rollout spreads the new pods by ReplicaSet size.
config never-ready=nginx:2.0
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 2s
scale deployment/web --replicas=15
sleep 2s
config pod-startup=1s
set image deployment/web web=nginx:3.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=10, surge=3, unavail=2, pds=60)})

scenario("proportional-scale-down-mid-rollout", """
# Scaling 10 -> 4 during a stalled rollout shrinks every ReplicaSet in proportion.
config never-ready=nginx:2.0
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 2s
scale deployment/web --replicas=4
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=10, surge=3, unavail=2, pds=20)})

scenario("scale-during-rolling-update", """
# Scale up while pods of the new revision are still starting.
config pod-startup=3s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 1s
scale deployment/web --replicas=8
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=4)})

# --- Recreate --------------------------------------------------------------
scenario("recreate-basic", """
# Recreate: every old pod goes before the new ReplicaSet is created.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
scale deployment/web --replicas=5
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, strategy="Recreate")})

scenario("recreate-broken-then-undo", """
# Recreate into a broken release, the deadline, then undo.
apply -f web.v1.yml
rollout status deployment/web
config never-ready=nginx:broken
set image deployment/web web=nginx:broken
rollout status deployment/web
rollout undo deployment/web
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, strategy="Recreate", pds=15)})

# --- pause / resume ------------------------------------------------------------
scenario("pause-edit-resume", """
# Template edits while paused make no ReplicaSet; resume rolls out only the last one.
apply -f web.v1.yml
rollout status deployment/web
rollout pause deployment/web
set image deployment/web web=nginx:2.0
set image deployment/web web=nginx:3.0
rollout history deployment/web
rollout status deployment/web --timeout=10s
rollout resume deployment/web
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=4)})

scenario("pause-scale-while-paused", """
# Scaling a paused deployment mid-rollout is proportional.
config pod-startup=5s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 1s
rollout pause deployment/web
scale deployment/web --replicas=12 --record
rollout status deployment/web
rollout resume deployment/web
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=6)})

scenario("pause-errors", """
# Pausing twice, resuming twice, restarting and undoing while paused.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
rollout pause deployment/web
rollout pause deployment/web
rollout restart deployment/web
rollout undo deployment/web
rollout resume deployment/web
rollout resume deployment/web
rollout undo deployment/web
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=2)})

scenario("pause-stalled-rollout-no-deadline", """
# A paused deployment has no deadline in force: nothing is left to wait for.
config never-ready=nginx:broken
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:broken
rollout pause deployment/web
rollout status deployment/web
rollout resume deployment/web
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, pds=12)})

# --- undo ------------------------------------------------------------------------
scenario("undo-previous", """
apply -f web.v1.yml --record
rollout status deployment/web
set image deployment/web web=nginx:2.0 --record
rollout status deployment/web
rollout undo deployment/web
rollout status deployment/web
rollout history deployment/web
rollout undo deployment/web
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=3)})

scenario("undo-to-revision-outcomes", """
# Undo to a named revision, to a missing one, to a negative one and to the current one.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
set image deployment/web web=nginx:3.0
rollout status deployment/web
rollout undo deployment/web --to-revision=9
rollout undo deployment/web --to-revision=-1
rollout undo deployment/web --to-revision=3
rollout undo deployment/web --to-revision=1
rollout status deployment/web
rollout history deployment/web
rollout history deployment/web --revision=4
rollout history deployment/web --revision=1
""", **{"web.v1.yml": dep("web", replicas=3, port=True)})

scenario("undo-without-history", """
# With a single revision there is nothing to go back to.
apply -f web.v1.yml
rollout status deployment/web
rollout undo deployment/web
rollout undo deployment/web --to-revision=1
""", **{"web.v1.yml": dep("web", replicas=2)})

scenario("undo-after-apply-record", """
# Undo reverts the change-cause with the template; apply's last-applied stays behind.
apply -f web.v1.yml --record
rollout status deployment/web
apply -f web.v2.yml --record
rollout status deployment/web
rollout undo deployment/web
rollout status deployment/web
rollout history deployment/web
apply -f web.v2.yml
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=2), "web.v2.yml": dep("web", "nginx:2.0", replicas=2)})

# --- history limit, scale to zero ---------------------------------------------
scenario("revision-history-limit-two", """
# revisionHistoryLimit 2: old, scaled-down ReplicaSets beyond two are deleted.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
set image deployment/web web=nginx:3.0
rollout status deployment/web
set image deployment/web web=nginx:4.0
rollout status deployment/web
set image deployment/web web=nginx:5.0
rollout status deployment/web
rollout history deployment/web
rollout undo deployment/web --to-revision=1
""", **{"web.v1.yml": dep("web", replicas=2, rhl=2)})

scenario("revision-history-limit-zero", """
# revisionHistoryLimit 0: only the current ReplicaSet survives, undo has nothing.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
rollout history deployment/web
rollout undo deployment/web
""", **{"web.v1.yml": dep("web", replicas=2, rhl=0)})

scenario("scale-to-zero-and-back", """
apply -f web.v1.yml
rollout status deployment/web
scale deployment/web --replicas=0
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
scale deployment/web --replicas=4
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=3)})

scenario("zero-replicas-from-start", """
# A deployment created with 0 replicas: its ReplicaSet starts at 0 without an event.
apply -f web.v1.yml
rollout status deployment/web
scale deployment/web --replicas=2
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=0)})

# --- deadlines -----------------------------------------------------------------
scenario("never-ready-progress-deadline", """
# A release whose pods never become Ready exceeds its 15s progress deadline.
apply -f web.v1.yml
rollout status deployment/web
config never-ready=nginx:broken
set image deployment/web web=nginx:broken
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=4, pds=15)})

scenario("deadline-exceeded-then-fixed", """
# Progress after the deadline replaces ProgressDeadlineExceeded.
apply -f web.v1.yml
rollout status deployment/web
config never-ready=nginx:broken
set image deployment/web web=nginx:broken
sleep 8s
rollout status deployment/web
set image deployment/web web=nginx:3.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=5, pds=10)})

scenario("slow-pods-within-deadline", """
# Pods that take 8s each still make progress within a 10s deadline.
config pod-startup=8s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, pds=10)})

scenario("slow-pods-exceed-deadline", """
# Pods that take 20s exceed a 10s deadline, and then complete anyway.
config pod-startup=20s
apply -f web.v1.yml
rollout status deployment/web
rollout status deployment/web
sleep 15s
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=2, pds=10)})

scenario("no-progress-deadline", """
# progressDeadlineSeconds at its maximum means no deadline: a stall waits forever.
apply -f web.v1.yml
rollout status deployment/web
config never-ready=nginx:broken
set image deployment/web web=nginx:broken
rollout status deployment/web
rollout status deployment/web --timeout=1m
""", **{"web.v1.yml": dep("web", replicas=3, pds=2147483647)})

scenario("status-timeout", """
# rollout status gives up at --timeout; events due exactly then happen first.
config pod-startup=10s
apply -f web.v1.yml
rollout status deployment/web --timeout=5s
rollout status deployment/web --timeout=5s
rollout status deployment/web --timeout=20s
""", **{"web.v1.yml": dep("web", replicas=2)})

scenario("fractional-startup-deadline", """
# Sub-second pod startup: condition times are kept to the second.
config pod-startup=1500ms
apply -f web.v1.yml
rollout status deployment/web
config never-ready=nginx:broken
set image deployment/web web=nginx:broken
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=4, pds=10)})

# --- restart, minReadySeconds --------------------------------------------------------
scenario("restart", """
apply -f web.v1.yml
rollout status deployment/web
rollout restart deployment/web
rollout restart deployment/web
rollout status deployment/web
sleep 1s
rollout restart deployment/web
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=3)})

scenario("min-ready-seconds", """
# minReadySeconds 5: a pod counts as available 5s after it is Ready.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, mrs=5, pds=30)})

scenario("min-ready-seconds-deadline", """
# minReadySeconds close to the progress deadline.
config pod-startup=2s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=2, mrs=8, pds=10)})

scenario("min-ready-seconds-fractional-startup", """
# Ready at 4.6s is stored as 4s: with minReadySeconds 2 the pod is
# available at 6s, before a 3s status wait from 3.1s ends.
config pod-startup=1500ms
apply -f web.v1.yml
sleep 3100ms
set image deployment/web web=nginx:2.0
rollout status deployment/web --timeout=3s
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, mrs=2, pds=10)})

# --- record, create, apply ------------------------------------------------------
scenario("record-change-cause", """
# --record on apply, set image and scale; scale rewrites the current revision's cause.
apply -f web.v1.yml --record
rollout status deployment/web
set image deployment/web web=nginx:2.0 --record
rollout status deployment/web
scale deployment/web --replicas=5 --record
rollout status deployment/web
set image deploy web web=nginx:3.0
rollout status deployment/web
rollout history deployment/web
rollout history deploy/web --revision=3
""", **{"web.v1.yml": dep("web", replicas=3)})

scenario("create-deployment", """
create deployment hello --image=registry.k8s.io/echoserver:1.10 --replicas=3
rollout status deployment/hello
create deployment hello --image=nginx:1.0
create deployment one --image=nginx
rollout status deployment/one
set image deployment/hello echoserver=registry.k8s.io/echoserver:1.11 --record
rollout status deployment/hello
rollout history deployment/hello
""")

scenario("apply-unchanged-and-configured", """
apply -f web.v1.yml
apply -f web.v1.yml
rollout status deployment/web
apply -f web.scaled.yml
rollout status deployment/web
apply -f web.scaled.yml
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=2), "web.scaled.yml": dep("web", replicas=4)})

scenario("multi-document-manifest", """
# Two deployments in one file, rolled out side by side.
apply -f both.yml
rollout status deployment/api
rollout status deployment/web
set image deployment/api api=api:2
set image deployment/web web=nginx:2.0
rollout status deployment/web
rollout status deployment/api
""", **{"both.yml": dep("web", replicas=3) + "---\n" + dep("api", "api:1", replicas=2, surge=0, unavail=1)})

# --- errors -------------------------------------------------------------------
scenario("errors-unknown-deployment", """
apply -f web.v1.yml
set image deployment/nope nope=nginx:2.0
scale deployment/nope --replicas=3
rollout status deployment/nope
rollout history deployment/nope
rollout undo deployment/nope
rollout pause deployment/nope
rollout resume deployment/nope
rollout restart deployment/nope
set image deployment/web nope=nginx:2.0
set image deployment/web web=nginx:1.0
rollout history deployment/web --revision=5
apply -f missing.yml
""", **{"web.v1.yml": dep("web", replicas=1)})

scenario("errors-invalid-manifests", """
# The API server's validation messages, as kubectl prints them.
apply -f negative-replicas.yml
apply -f selector-mismatch.yml
apply -f both-zero.yml
apply -f bad-percent.yml
apply -f over-100.yml
apply -f recreate-with-rolling.yml
apply -f deadline-not-above-minready.yml
apply -f missing-selector.yml
apply -f empty-selector.yml
apply -f many-errors.yml
apply -f good.yml
apply -f selector-change.yml
rollout status deployment/good
""", **{
    "negative-replicas.yml": dep("neg", replicas=-1),
    "selector-mismatch.yml": dep("mismatch", selector={"app": "other"}),
    "both-zero.yml": dep("bothzero", surge=0, unavail="0%"),
    "bad-percent.yml": dep("badpct", surge="25", unavail="x%"),
    "over-100.yml": dep("over", surge="150%", unavail="101%"),
    "recreate-with-rolling.yml": dep("recr", strategy="Recreate", surge=1),
    "deadline-not-above-minready.yml": dep("deadline", mrs=10, pds=10),
    "missing-selector.yml": dep("nosel", selector="missing"),
    "empty-selector.yml": dep("emptysel", selector={}),
    "many-errors.yml": dep("many", replicas=-2, mrs=-1, rhl=-1, surge=-1, unavail=0),
    "good.yml": dep("good", replicas=2),
    "selector-change.yml": dep("good", replicas=2, labels={"app": "good", "tier": "web"}),
})

scenario("set-image-all-containers", """
# set image with '*' changes every container; the first container's image is shown.
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web *=nginx:2.0 --record
rollout status deployment/web
rollout history deployment/web
""", **{"web.v1.yml": dep("web", replicas=2)})

scenario("sleep-step-by-step", """
# The clock moved by sleep: a rollout observed one second at a time.
config pod-startup=2s
apply -f web.v1.yml
sleep 1s
sleep 1s
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 1s
sleep 1s
sleep 1s
sleep 10s
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=4, surge=1, unavail=1)})


# --- nodes --------------------------------------------------------------------------
def node(name, cpu=None, memory=None, pods=None):
    out = ["apiVersion: v1", "kind: Node", "metadata:", f"  name: {name}",
           "status:", "  allocatable:"]
    if cpu is not None:
        out.append(f'    cpu: "{cpu}"')
    if memory is not None:
        out.append(f"    memory: {memory}")
    if pods is not None:
        out.append(f'    pods: "{pods}"')
    return "\n".join(out) + "\n"


def with_requests(manifest, cpu, memory):
    return manifest + f"""        resources:
          requests:
            cpu: {cpu}
            memory: {memory}
"""


scenario("nodes-spread-cordon-drain", """
# Two nodes with four pod slots each: pods spread by requested share;
# cordon leaves new pods Pending, uncordon places them, drain moves them.
apply -f nodes.yml
apply -f web.v1.yml
rollout status deployment/web
cordon node-a
cordon node-a
set image deployment/web web=nginx:2.0
rollout status deployment/web --timeout=30s
uncordon node-a
rollout status deployment/web
drain node-b
rollout status deployment/web --timeout=20s
uncordon node-b
uncordon node-b
get pods
""", **{"nodes.yml": node("node-a", "2", "4Gi", 4) + "---\n" + node("node-b", "2", "4Gi", 4),
        "web.v1.yml": with_requests(dep("web", replicas=6), "500m", "512Mi")})

scenario("nodes-delete-node", """
# A node fails: its pods are gone and their ReplicaSet replaces them on the others.
apply -f nodes.yml
apply -f web.v1.yml
rollout status deployment/web
delete node node-b
rollout status deployment/web
delete node node-b
cordon node-z
""", **{"nodes.yml": node("node-a", "4", "8Gi", 10) + "---\n" + node("node-b", "4", "8Gi", 10)
        + "---\n" + node("node-c", "2", "8Gi", 10),
        "web.v1.yml": with_requests(dep("web", replicas=6), "500m", "1Gi")})

scenario("nodes-capacity-pending", """
# Requests that do not fit wait Pending until a node with room is added.
apply -f node-a.yml
apply -f web.v1.yml
rollout status deployment/web --timeout=10s
apply -f node-b.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web --timeout=30s
scale deployment/web --replicas=3
rollout status deployment/web
""", **{"node-a.yml": node("node-a", "1", "2Gi", 110),
        "node-b.yml": node("node-b", "2", "2Gi", 110),
        "web.v1.yml": with_requests(dep("web", replicas=4), "500m", "256Mi")})

scenario("delete-pod-unknown", """
apply -f web.v1.yml
rollout status deployment/web
delete pod web-nope
""", **{"web.v1.yml": dep("web", replicas=2)})


# A clock stop is not a sync: the stalled rollout's last progress is 33s
# and its deadline 30s, so upstream re-checks it at 33 + 30 + 1 = 64s and
# nothing syncs it before; the waits of 200ms from 62s on report the
# exceeded deadline first in the one that crosses 64s.
scenario("deadline-seen-only-at-recheck", """
config never-ready=web:broken
apply -f web.v1.yml
rollout status deployment/web
sleep 32s
set image deployment/web web=web:broken
sleep 29s
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
rollout status deployment/web --timeout=200ms
""", **{"web.v1.yml": dep("web", image="web:1.0", replicas=2, pds=30)})

# A conflict retry replaces the older re-check: the sync at 1.5s writes
# the Deployment twice and the second write is a 409 Conflict; its
# rate-limited retry (5ms) replaces the re-check the 0s sync asked for at
# 61s, and the retry asks for the next one at 1 + 60 + 1 = 62s.
scenario("conflict-retry-replaces-recheck", """
config never-ready=web:broken
apply -f web.v1.yml
sleep 1500ms
set image deployment/web web=web:broken
sleep 59s
rollout status deployment/web --timeout=500ms
rollout status deployment/web --timeout=500ms
rollout status deployment/web --timeout=500ms
rollout status deployment/web --timeout=500ms
""", **{"web.v1.yml": dep("web", image="web:1.0", replicas=3, pds=60)})

# The same stall seen by one long wait: rollout status stops at the
# re-check that flips the condition.
scenario("deadline-recheck-long-wait", """
config never-ready=web:broken
config pod-startup=1500ms
apply -f web.v1.yml
sleep 2300ms
set image deployment/web web=web:broken
rollout status deployment/web
""", **{"web.v1.yml": dep("web", image="web:1.0", replicas=2, pds=5)})

# Availability under minReadySeconds is noticed at the ReplicaSet
# controller's own delayed syncs, with pods Ready off the second.
scenario("min-ready-seconds-off-second-startup", """
config pod-startup=700ms
apply -f web.v1.yml
sleep 700ms
rollout status deployment/web --timeout=1500ms
set image deployment/web web=web:2.0
rollout status deployment/web --timeout=2300ms
rollout status deployment/web
""", **{"web.v1.yml": dep("web", image="web:1.0", replicas=3, mrs=2, pds=20)})


# --- pod lifecycle: probes, graceful termination, crash loops ----------------
def with_container(manifest, text):
    """Appends container-level fields (indented under the container)."""
    return manifest + text.strip("\n") + "\n"


def with_pod_spec(manifest, text):
    """Inserts pod-level fields before the containers list."""
    return manifest.replace("    spec:\n      containers:\n",
                            "    spec:\n" + text.strip("\n") + "\n      containers:\n")


def probe(kind, initial=None, period=None, success=None):
    out = [f"        {kind}:", "          httpGet:", "            path: /healthz",
           "            port: 8080"]
    if initial is not None:
        out.append(f"          initialDelaySeconds: {initial}")
    if period is not None:
        out.append(f"          periodSeconds: {period}")
    if success is not None:
        out.append(f"          successThreshold: {success}")
    return "\n".join(out) + "\n"


def second_container(manifest, name, image, text=""):
    return manifest + f"      - name: {name}\n        image: {image}\n" + text


# Readiness probe with initialDelaySeconds 5 and periodSeconds 2: ticks at
# start + 0, 2, 4 do not count, the one at 6 does: Ready 1s + 6s after the
# pod is bound. minReadySeconds 3 counts from that Ready time.
scenario("probes-readiness-initial-delay", """
apply -f web.v1.yml
sleep 6s
rollout status deployment/web --timeout=500ms
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 7s
rollout status deployment/web --timeout=1s
rollout status deployment/web
""", **{"web.v1.yml": with_container(dep("web", replicas=3, surge=1, unavail=0, mrs=3),
                                     probe("readinessProbe", initial=5, period=2))})

# successThreshold 3 with periodSeconds 4: successes at start + 0, 4, 8;
# Ready 8s after the containers start. Off-second start-up (1500ms) keeps
# the Ready time to the second.
scenario("probes-readiness-success-threshold", """
config pod-startup=1500ms
apply -f web.v1.yml
sleep 9s
rollout status deployment/web --timeout=400ms
rollout status deployment/web --timeout=200ms
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": with_container(dep("web", replicas=4, surge="50%", unavail="25%"),
                                     probe("readinessProbe", period=4, success=3))})

# initialDelaySeconds not a multiple of periodSeconds: delay 7, period 3:
# the first counting tick is at 9; with successThreshold 2, Ready at 12.
scenario("probes-readiness-delay-off-period", """
apply -f web.v1.yml
rollout status deployment/web
scale deployment/web --replicas=5
sleep 11s
rollout status deployment/web --timeout=1s
rollout status deployment/web --timeout=1s
""", **{"web.v1.yml": with_container(dep("web", replicas=2),
                                     probe("readinessProbe", initial=7, period=3, success=2))})

# A startup probe gates the readiness probe: startup (delay 7, period 5)
# succeeds at start + 10; readiness ticks every 4s count from the first at
# or after 10 (12); successThreshold 2 makes the pod Ready at start + 16.
scenario("probes-startup-gates-readiness", """
apply -f web.v1.yml
sleep 16s
rollout status deployment/web --timeout=900ms
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
""", **{"web.v1.yml": with_container(dep("web", replicas=2, surge=0, unavail=1, pds=60),
                                     probe("startupProbe", initial=7, period=5)
                                     + probe("readinessProbe", period=4, success=2))})

# A startup probe alone: Ready when it succeeds (delay 3, period 2: at 4).
# A second container without probes is Ready at start; the pod waits for
# the later one. A short progress deadline is met in time.
scenario("probes-startup-only-two-containers", """
config pod-startup=2s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
sleep 5s
rollout status deployment/web --timeout=1s
rollout status deployment/web
""", **{"web.v1.yml": second_container(
    with_container(dep("web", replicas=3, pds=10), probe("startupProbe", initial=3, period=2)),
    "sidecar", "busybox:1.36")})

# Probes slower than the progress deadline: the rollout stalls and the
# deadline is exceeded before the new pods are Ready; readiness later
# counts as progress again.
scenario("probes-slower-than-deadline", """
apply -f web.v1.yml
rollout status deployment/web
apply -f web.v2.yml
rollout status deployment/web
sleep 30s
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=2, pds=10),
        "web.v2.yml": with_container(dep("web", image="nginx:2.0", replicas=2, pds=10),
                                     probe("readinessProbe", initial=20, period=10))})

# pod-shutdown 20s on full nodes: every pod slot is taken; maxSurge 1 with
# maxUnavailable 1. The deleted old pod stays Terminating for 20s, counted
# in terminatingReplicas and still holding its slot: the surge pod and the
# replacement wait Pending until it is gone.
scenario("shutdown-rollout-full-nodes", """
config pod-shutdown=20s
apply -f nodes.yml
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web --timeout=5s
rollout status deployment/web --timeout=16s
rollout status deployment/web
sleep 20s
get pods
""", **{"nodes.yml": node("node-a", "4", "8Gi", 2) + "---\n" + node("node-b", "4", "8Gi", 2),
        "web.v1.yml": dep("web", replicas=4, surge=1, unavail=1)})

# The same rollout with room to spare: terminating pods hold room but the
# new pods fit elsewhere; ReplicaSet and Deployment status count them.
scenario("shutdown-rollout-terminating-counted", """
config pod-shutdown=20s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
sleep 17s
rollout status deployment/web
sleep 2s
rollout status deployment/web
sleep 2s
""", **{"web.v1.yml": dep("web", replicas=5, surge=2, unavail=1)})

# terminationGracePeriodSeconds 5 is shorter than pod-shutdown 30s: the
# pods are gone after 5s. pod-shutdown applies to deletions from its
# config on: the first scale-down is immediate.
scenario("shutdown-grace-period-shorter", """
apply -f web.v1.yml
rollout status deployment/web
scale deployment/web --replicas=2
config pod-shutdown=30s
scale deployment/web --replicas=4
rollout status deployment/web
scale deployment/web --replicas=1
sleep 4s
rollout status deployment/web
sleep 1s
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web
sleep 4500ms
rollout status deployment/web
sleep 500ms
""", **{"web.v1.yml": with_pod_spec(dep("web", replicas=4), "      terminationGracePeriodSeconds: 5")})

# Recreate waits until the old pods are gone, not just Terminating.
scenario("shutdown-recreate-waits", """
config pod-shutdown=12s
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=nginx:2.0
rollout status deployment/web --timeout=11s
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, strategy="Recreate")})

# delete pod with pod-shutdown 15s: the pod is Terminating and replaced at
# once; deleting it again changes nothing; once gone it is not found.
scenario("shutdown-delete-pod", """
config pod-shutdown=15s
create deployment web --image=nginx:1.0 --replicas=3
rollout status deployment/web
delete pod web-85878df9c9-684pg
rollout status deployment/web
sleep 10s
delete pod web-85878df9c9-684pg
rollout status deployment/web
sleep 5s
rollout status deployment/web
delete pod web-85878df9c9-684pg
""")

# delete pod and drain with pod-shutdown 15s: the deleted pods are
# Terminating and replaced at once; drained pods hold node-b's room until
# gone; the replacements go to node-a.
scenario("shutdown-delete-pod-and-drain", """
config pod-shutdown=15s
apply -f nodes.yml
apply -f web.v1.yml
rollout status deployment/web
drain node-b
rollout status deployment/web --timeout=3s
uncordon node-b
rollout status deployment/web --timeout=14s
get pods
""", **{"nodes.yml": node("node-a", "2", "4Gi", 3) + "---\n" + node("node-b", "2", "4Gi", 3),
        "web.v1.yml": with_requests(dep("web", replicas=4), "500m", "512Mi")})

# A rollout to a crash-looping image stalls: its pods run, exit and are
# restarted with back-off, never Ready; the progress deadline passes and
# an undo brings the old release back.
scenario("crash-loop-rollout-stalls", """
config crash-loop=web:crash
apply -f web.v1.yml
rollout status deployment/web
set image deployment/web web=web:crash
rollout status deployment/web
rollout undo deployment/web
rollout status deployment/web
""", **{"web.v1.yml": dep("web", image="web:1.0", replicas=3, pds=45)})

# Scale-down prefers the pod with more restarts. Pod A (node-a) starts at
# 1s, exits at 2s and restarts at once; back-off 10s, 20s, 40s: restarts at
# 2, 13, 34, 75. Pod B (node-b, created at 25s): restarts at 27, 38, 59.
# At 36s A has 3 restarts and B 2: A goes, though B is newer.
scenario("crash-loop-scale-down-more-restarts", """
config crash-loop=web:crash
apply -f nodes.yml
create deployment web --image=web:crash
cordon node-a
sleep 25s
scale deployment/web --replicas=2
uncordon node-a
sleep 11s
scale deployment/web --replicas=1
rollout status deployment/web --timeout=1s
""", **{"nodes.yml": node("node-a", "2", "4Gi", 10) + "---\n" + node("node-b", "2", "4Gi", 10)})

# The same at 60s: both have 3 restarts (B's third at 59s, A's fourth
# due at 75s), so the newer pod (B) goes.
scenario("crash-loop-scale-down-equal-restarts", """
config crash-loop=web:crash
apply -f nodes.yml
create deployment web --image=web:crash
cordon node-a
sleep 25s
scale deployment/web --replicas=2
uncordon node-a
sleep 35s
scale deployment/web --replicas=1
rollout status deployment/web --timeout=1s
""", **{"nodes.yml": node("node-a", "2", "4Gi", 10) + "---\n" + node("node-b", "2", "4Gi", 10)})

# The back-off is capped at 300s: pod A (from 0s) restarts at 2, 13, 34,
# 75, 156, 317 and then every 301s (618, ...); pod B (from 300s) at 302,
# 313, 334, 375, 456, 617, 918. At 630s A has 7 restarts and B 6, so A
# goes; were the back-off not capped (320s), A's seventh would come at
# 638s and the newer B would go.
scenario("crash-loop-backoff-cap", """
config crash-loop=web:crash
apply -f nodes.yml
create deployment web --image=web:crash
cordon node-a
sleep 300s
scale deployment/web --replicas=2
uncordon node-a
sleep 330s
scale deployment/web --replicas=1
rollout status deployment/web --timeout=1s
""", **{"nodes.yml": node("node-a", "2", "4Gi", 10) + "---\n" + node("node-b", "2", "4Gi", 10)})

# A crash-looping sidecar keeps the pod from Ready though the main
# container is fine; pod-shutdown applies to the crashing pods too.
scenario("crash-loop-sidecar-with-shutdown", """
config crash-loop=sidecar:crash
config pod-shutdown=8s
apply -f web.v1.yml
rollout status deployment/web
apply -f web.v2.yml
rollout status deployment/web --timeout=30s
rollout undo deployment/web
rollout status deployment/web --timeout=5s
rollout status deployment/web
""", **{"web.v1.yml": dep("web", replicas=3, surge=1, unavail=1),
        "web.v2.yml": second_container(dep("web", replicas=3, surge=1, unavail=1),
                                       "sidecar", "sidecar:crash")})


def main():
    for name, (script, files) in SCENARIOS.items():
        d = os.path.join(CORPUS, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "scenario"), "w") as f:
            f.write(script.lstrip("\n"))
        for fn, content in files.items():
            with open(os.path.join(d, fn), "w") as f:
                f.write(content)
    print(f"{len(SCENARIOS)} scenarios written")


if __name__ == "__main__":
    main()
