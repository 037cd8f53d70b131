#!/usr/bin/env bash
# Generates the Python messages, gRPC stubs and their type stubs for every proto under
# protos/ into OUT/conflux (OUT defaults to the repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$(realpath -m "${1:-.}")
bin="$root/.venv/bin"
mkdir -p "$out"
rm -rf "$out/conflux"
mapfile -t files < <(cd protos && find conflux -name '*.proto' | sort)
(cd protos && "$bin/python" -m grpc_tools.protoc -I. \
  --python_out="$out" --grpc_python_out="$out" \
  --plugin=protoc-gen-mypy="$bin/protoc-gen-mypy" --mypy_out="$out" \
  --plugin=protoc-gen-mypy_grpc="$bin/protoc-gen-mypy_grpc" --mypy_grpc_out="$out" \
  "${files[@]}")
# Regular packages, so that setuptools and mypy find them without namespace tricks.
find "$out/conflux" -type d -exec sh -c 'touch "$1/__init__.py"' _ {} \;
touch "$out/conflux/py.typed"
