from . import collections_preview, collections_preview_line
