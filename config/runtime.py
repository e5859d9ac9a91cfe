"""Process-wide settings of the Python runtime, made once when the application is imported
(web server, runserver, Celery worker, management commands, tests and benchmarks alike)."""

import gc

# Python's cyclic garbage collector runs a young-generation collection every 700 net
# allocations of container objects. A large catalogue's page or import allocates hundreds of
# thousands (a row, a dict and a tuple per proposal, per LMU and per year), so the collector
# ran hundreds of times in one request, and the rows a request keeps alive, once they reach
# the oldest generation, set off full collections of every object in the process.
# Every 50.000 allocations instead: the HMU review page at 1.000 proposals took a fifth less,
# the sign-off page a tenth, the re-import and dry run of 10.000 proposals a fifth
# (bench/RESULTS.md, "the garbage collector"). At most that many unreachable objects wait (a few MB); the older
# generations keep Python's rhythm.
YOUNG_GENERATION_THRESHOLD = 50_000


def tune_garbage_collector():
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
