#!/usr/bin/env bash
# Plan, run every shard, merge: the three Jobs in order, each waiting for
# the one before. See docs/scale-out.md.
set -euo pipefail
here=$(dirname "$0")

# Until the Job is Complete (return 0) or Failed (return 1).
wait_for() {
    local condition
    while true; do
        for condition in Complete Failed; do
            if kubectl get job "$1" \
                -o jsonpath="{.status.conditions[?(@.type==\"$condition\")].status}" | grep -q True; then
                [ "$condition" = Complete ] && return 0
                echo "job $1 failed: kubectl describe job $1" >&2
                return 1
            fi
        done
        sleep 10
    done
}

kubectl apply -f "$here/state-volume.yaml"
kubectl apply -f "$here/plan-job.yaml"
wait_for docpipe-plan
kubectl apply -f "$here/shards-job.yaml"
wait_for docpipe-shards
kubectl apply -f "$here/merge-job.yaml"
# Failed with exit 1 means merged, but some documents failed: see
# rejects.jsonl in the output directory.
wait_for docpipe-merge
