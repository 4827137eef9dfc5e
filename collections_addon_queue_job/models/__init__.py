from . import collections_runner
