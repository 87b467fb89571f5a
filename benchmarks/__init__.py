"""`make bench`: build the policy, measure, and print every figure next to its target.

Everything runs on copies in a temporary directory (the user's build/ and dist/ stay as they
are) and every figure is measured in the same run that prints it: wall-clock time, the CPU time
of every process involved (less sensitive than wall time to other work on the machine), and
peak memory. Targets are printed, never asserted: tests/test_bench.py only proves the benchmark
runs (`python -m benchmarks --smoke`).
"""
