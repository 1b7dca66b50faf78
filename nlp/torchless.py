"""Keeping PyTorch out of claimwatch's processes.

thinc (spaCy's machine-learning layer) imports PyTorch whenever it is installed — and the semantic extra
installs it, as a dependency of the model package — although spaCy's CNN pipelines never call it and the
embedder runs in NumPy. That import alone costs ~190 MB resident. The command line calls `keep_torch_out()`
before anything imports spaCy; a spaCy transformer pipeline (spacy-transformers or
spacy-curated-transformers installed, for `en_core_web_trf`) needs PyTorch, and then it is left alone.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys

TRANSFORMER_PLUGINS = ("spacy_curated_transformers", "spacy_transformers")


class _NoTorch(importlib.abc.MetaPathFinder):
    """Fails `import torch` as if it were not installed. (A None entry in sys.modules would do that too, but
    SciPy's and scikit-learn's array-API helpers take any "torch" key there for the module itself.)"""

    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("PyTorch is kept out of this process (claimwatch.nlp.torchless)", name=name)
        return None


def keep_torch_out() -> bool:
    """Make `import torch` fail in this process unless something needs it; True when it was kept out."""
    if "torch" in sys.modules:
        return False
    if any(importlib.util.find_spec(plugin) is not None for plugin in TRANSFORMER_PLUGINS):
        return False
    if not any(isinstance(finder, _NoTorch) for finder in sys.meta_path):
        sys.meta_path.insert(0, _NoTorch())  # thinc's `try: import torch` then finds none
    return True
