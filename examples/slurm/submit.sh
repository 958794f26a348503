#!/usr/bin/env bash
# Plan a sharded docpipe run, submit its shards as a Slurm array, and a merge
# that starts only once every shard succeeded. See docs/scale-out.md.
#
#   examples/slurm/submit.sh PIPELINE STATE_DIR SHARDS [MAX_AT_ONCE]
#
# STATE_DIR must be on storage every node mounts at the same path (the
# input and the pipeline's output directory too).
set -euo pipefail

pipeline=$1
state=$2
shards=$3
at_once=${4:-16}
here=$(dirname "$0")

# Planning again the same run changes nothing, so this script may be rerun.
docpipe plan "$pipeline" --shards "$shards" --state "$state"

# --array on the command line overrides the script's placeholder range.
array=$(sbatch --parsable --array="0-$((shards - 1))%${at_once}" \
    "$here/shard.sbatch" "$pipeline" "$state")
array=${array%%;*}
sbatch --dependency="afterok:${array}" "$here/merge.sbatch" "$state"
