#!/bin/sh
# Replays fuzz seeds and saved crashers through every parser (see tests/fuzz/run).
exec "$WB_SRCDIR/tests/fuzz/run" replay
