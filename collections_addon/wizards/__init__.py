from . import collections_preview
