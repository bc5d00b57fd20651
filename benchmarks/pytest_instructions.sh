#!/bin/sh
# Instructions a pytest session of 200 trivial tests executes with and without the
# dptelemetry plugin, counted by callgrind: repeatable whatever else the machine is doing,
# where wall and CPU time of a whole session vary by +-20 % here.
#   sh benchmarks/pytest_instructions.sh        (needs valgrind; about 2 minutes)
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
python - <<'PY'
with open("test_trivial.py", "w") as f:
    for i in range(200):
        f.write(f"def test_{i}():\n    assert {i} == {i}\n")
PY
printf '[pytest]\nasyncio_default_fixture_loop_scope = function\n' > pytest.ini
export DPT_HOME="$work/home"
python -m pytest -q -p no:cacheprovider >/dev/null  # warm the bytecode caches
for round in 1 2; do
    for variant in off on; do
        if [ "$variant" = off ]; then opt="-p no:dptelemetry"; else opt=""; fi
        count=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
            python -m pytest -q -p no:cacheprovider $opt 2>&1 >/dev/null |
            sed -n 's/.*Collected : *//p')
        echo "round $round, plugin $variant: $count instructions"
    done
done
