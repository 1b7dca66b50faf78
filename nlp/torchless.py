"""Keeping PyTorch out of claimwatch's processes.

thinc (spaCy's machine-learning layer) imports PyTorch whenever it is installed — and the semantic extra
installs it, as a dependency of the model package — although spaCy's CNN pipelines never call it and the
embedder runs in NumPy. That import alone costs ~190 MB resident. The command line calls `keep_torch_out()`
before anything imports spaCy; a spaCy transformer pipeline (spacy-transformers or
spacy-curated-transformers installed, for `en_core_web_trf`) needs PyTorch, and then it is left alone.
"""

from __future__ import annotations

import importlib.util
import sys

TRANSFORMER_PLUGINS = ("spacy_curated_transformers", "spacy_transformers")


def keep_torch_out() -> bool:
    """Make `import torch` fail in this process unless something needs it; True when it was kept out."""
    if "torch" in sys.modules:
        return False
    if any(importlib.util.find_spec(plugin) is not None for plugin in TRANSFORMER_PLUGINS):
        return False
    sys.modules["torch"] = None  # type: ignore[assignment]  # thinc's `try: import torch` then finds none
    return True
