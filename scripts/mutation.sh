#!/usr/bin/env bash
# Mutation testing of the access, check-in and personal-data code (docs/testing.md, "Mutation
# testing"). The files come from [tool.mutmut] in pyproject.toml; mutants/ is kept between runs,
# so a run only tests mutants not yet decided (new or changed functions).
#
#   scripts/mutation.sh             run the mutants not yet checked, then print the score
#   scripts/mutation.sh recheck     run the survivors again (after adding tests), then the score
#   scripts/mutation.sh score       print the score of what has run so far
#
# One worker only (--max-children 1): the suite is database-heavy and the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
case "${1:-run}" in
    run)
        uv run mutmut run --max-children 1
        ;;
    recheck)
        mapfile -t survivors < <(uv run mutmut results | awk -F': ' '$2 == "survived" {gsub(/ /, "", $1); print $1}')
        if ((${#survivors[@]})); then
            uv run mutmut run --max-children 1 "${survivors[@]}"
        fi
        ;;
    score) ;;
    *)
        echo "usage: $0 [run|recheck|score]" >&2
        exit 2
        ;;
esac
[[ "${1:-run}" == score ]] || echo "wall time: $(($(date +%s) - started)) s"
uv run python scripts/mutation_score.py
