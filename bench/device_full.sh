#!/usr/bin/env bash
# The full profile on a lent GPU machine, on the JAX backend (docs/benchmarks.md, "The full
# profile on a GPU"). The device tool copies at most 64 MiB per call, so it takes two calls:
#
#   bench/device_full.sh install      # call 1 carries .whl and .gpu/part1
#   bench/device_full.sh run [LESSON…]  # call 2, on the same warm machine, carries .gpu/part2
#
# `install` puts the wheels (Keras, papermill, the kernel stack) into $CACHE/site and
# keeps the first data part; `run` unpacks CIFAR-10, then verifies each lesson in its own
# copy of the course, side by side, each under its own time limit, and packs the reports,
# executed notebooks and logs into $OUT/results.tgz (one file, whatever finished).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# outside the checkout: the tool replaces the checkout on each call, this survives while warm
CACHE=${DEVICE_CACHE:-/var/tmp/coursekit-device}
LIMIT=${LIMIT:-480}     # seconds per lesson, so the pack step runs inside the call's limit
export PYTHONPATH=$CACHE/site PYTHONUNBUFFERED=1 KERAS_BACKEND=jax
export XLA_PYTHON_CLIENT_PREALLOCATE=false  # lessons share the GPU; take memory as needed

case "${1:-}" in
install)
    mkdir -p "$CACHE/parts"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target "$CACHE/site" "$ROOT"/.whl/*.whl || exit 1
    cp -r "$ROOT/.gpu/part1" "$CACHE/parts/" || exit 1
    nvidia-smi -L
    python3 -c "import jax, keras, papermill, ipykernel, jupytext, nbclient
print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)" || exit 1
    ;;
run)
    shift
    cp -r "$ROOT/.gpu/part2" "$CACHE/parts/" || exit 1
    python3 "$ROOT/bench/device_data.py" unpack "$CACHE/parts" "$CACHE/data" || exit 1
    lessons=("$@")
    [ ${#lessons[@]} -gt 0 ] || lessons=($(cd "$ROOT/content" && ls [0-9]*.py | sed 's/\.py$//'))
    results=$(mktemp -d)
    for lesson in "${lessons[@]}"; do
        copy=$(mktemp -d)  # one course copy per lesson: each writes its own build/ and cache
        tar -C "$ROOT" --exclude=./.gpu --exclude=./.whl \
            --exclude=./build --exclude=./.cache -cf - . | tar -C "$copy" -xf -
        timeout "$LIMIT" python3 "$copy/bench/device_verify.py" --profile full --backend jax \
            --data "$CACHE/data" --out "$results/$lesson" "$lesson" \
            >"$results/$lesson.log" 2>&1 &
    done
    wait
    # `timeout` stops verify but not the Jupyter kernel it started, which would go on
    # holding the GPU; the brackets keep pkill from matching this script's own command line
    pkill -f "[i]pykernel_launcher" && echo "stopped kernels left by a lesson past its limit"
    for lesson in "${lessons[@]}"; do
        echo "== $lesson"; grep -E "passed|failed|FAILED|took|accuracy|nats|kept" \
            "$results/$lesson.log" | tail -12
    done
    nvidia-smi --query-gpu=name,memory.used --format=csv
    tar -C "$results" -czf "$OUT/results.tgz" .
    ;;
*)
    echo "usage: $0 install | run [LESSON…]" >&2; exit 2 ;;
esac
