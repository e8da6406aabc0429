#!/usr/bin/env bash
# Download, into .whl/, the wheels the GPU machine lacks for bench/device_full.sh: Keras,
# papermill, the Jupyter kernel stack and jupytext, at the versions requirements.txt pins,
# for that machine's CPython 3.12 (x86-64). Packages its image already holds are removed
# again so they do not shadow its own builds (NumPy, ml_dtypes and h5py above all); jedi,
# parso and debugpy are optional for ipykernel and would cost 10 MB of the 64 MiB a call
# may carry.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
constraints=$(mktemp)
grep -v '^#' requirements.txt >"$constraints"
platforms=""
for tag in manylinux_2_28 manylinux_2_27 manylinux_2_26 manylinux_2_24 manylinux_2_17 \
           manylinux2014 manylinux1; do
    platforms="$platforms --platform ${tag}_x86_64"
done
python -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
    $platforms -c "$constraints" -d .whl \
    keras papermill ipykernel jupytext nbclient nbformat jupyter_client
on_image="numpy ml_dtypes h5py absl_py pyyaml psutil requests urllib3 idna certifi
charset_normalizer attrs typing_extensions fsspec click pygments rich markdown
markdown_it_py mdurl python_dateutil tqdm tzdata packaging jedi parso debugpy"
for name in $on_image; do rm -f .whl/"$name"-*.whl; done
du -sh .whl
