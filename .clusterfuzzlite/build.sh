#!/bin/bash -eu
# ClusterFuzzLite build: the same script OSS-Fuzz runs (one build, two services).
exec bash -eu "$SRC/ptfold/fuzz/oss-fuzz/build.sh"
